import type { Context, Probot } from "probot";
import { Catalogue } from "../core/ledger/ledger-record.ts";
import type { TaskFile } from "../core/task/schema.ts";
import { readText } from "../github/contents.ts";
import { CATALOGUE_PATH } from "../github/seed/ledger-repo.ts";
import type { ArenaScope } from "../github/arena/scope.ts";
import { readGraderTask } from "../github/grader-task.ts";
import type { TtlCache } from "../github/ttl-cache.ts";
import type { OrgConfigSource } from "../github/org-config-source.ts";

/** Facts about the app itself, learnt once per process. */
export interface AppIdentity {
  id: number;
  botLogin: string;
}

/** Asks GitHub who the app is (its id and its bot's login); cached for the process. */
export function appIdentity(app: Probot): () => Promise<AppIdentity> {
  let known: Promise<AppIdentity> | undefined;
  return () => {
    known ??= (async () => {
      const octokit = await app.auth();
      const { data } = await octokit.request("GET /app");
      if (!data) throw new Error("GET /app answered nothing");
      return { id: data.id, botLogin: `${data.slug}[bot]` };
    })();
    // A failed lookup is asked again next time rather than remembered.
    known.catch(() => (known = undefined));
    return known;
  };
}

/** The grader repository's default branch per org (it does not change under a running app). */
const defaultBranches = new Map<string, string>();

/**
 * The arena scope of an event's org, or undefined (logged) when the org has no usable
 * configuration: a fresh instance facing an invalid or missing `.github/lancer.yml`.
 */
export async function arenaScope(
  context: Context,
  org: string,
  sources: {
    configs: OrgConfigSource;
    tasks: TtlCache<TaskFile | undefined>;
    catalogues: TtlCache<Catalogue | undefined>;
    now: () => Date;
  },
  identity: () => Promise<AppIdentity>,
  serverUrl: string,
): Promise<ArenaScope | undefined> {
  const { configs } = sources;
  const github = context.octokit;
  const loaded = await configs.load(github, org);
  if (loaded.problem) context.log.warn(`${loaded.problem.message}`);
  if (!("config" in loaded)) return undefined;
  const graderRepo = configs.graderRepo;
  const key = `${org}/${graderRepo}`;
  let ref = defaultBranches.get(key);
  if (!ref) {
    const { data } = await github.request("GET /repos/{owner}/{repo}", {
      owner: org,
      repo: graderRepo,
    });
    ref = data.default_branch;
    defaultBranches.set(key, ref);
  }
  return {
    github,
    org,
    grader: { owner: org, repo: graderRepo, ref },
    ledger: { owner: org, repo: loaded.config.ledger },
    config: loaded.config,
    app: await identity(),
    installationId: (context.payload as { installation?: { id: number } }).installation?.id ?? 0,
    serverUrl,
    now: sources.now,
    catalogue: () =>
      sources.catalogues.get(`${org}/${loaded.config.ledger}`, async () => {
        const file = await readText(github, {
          owner: org,
          repo: loaded.config.ledger,
          path: CATALOGUE_PATH,
        });
        const parsed = file ? Catalogue.safeParse(JSON.parse(file.text)) : undefined;
        return parsed?.success ? parsed.data : undefined;
      }),
    readTask: (taskId) =>
      sources.tasks.get(`${org}/${graderRepo}/${taskId}`, () =>
        readGraderTask(github, { owner: org, repo: graderRepo }, taskId),
      ),
    async gitToken() {
      const auth = (await context.octokit.auth({ type: "installation" })) as { token: string };
      return auth.token;
    },
    log: {
      info: (message) => context.log.info(message),
      warn: (message) => context.log.warn(message),
    },
  };
}
