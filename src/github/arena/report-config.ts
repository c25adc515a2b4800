import { CONFIG_PATH, ConfigError, parseLancerConfig } from "../lancer-config.ts";
import { readText } from "../contents.ts";
import type { OrgConfigSource } from "../org-config-source.ts";
import type { GitHub } from "../rest.ts";

interface PushLike {
  after: string;
  repository: { name: string; owner: { login?: string; name?: string | null } | null };
  commits?: Array<{ added?: string[]; modified?: string[] }>;
}

/**
 * A push to the grader repository's default branch that touches `.github/lancer.yml`: the
 * file is checked and the result shown as a `Lancer config` check run on the pushed commit,
 * naming the key that is wrong. A valid file becomes the org's configuration at once.
 */
export async function reportConfigCheck(
  github: GitHub,
  configs: OrgConfigSource,
  push: PushLike,
  log: { info(message: string): void },
): Promise<void> {
  const touched = (push.commits ?? []).some((c) =>
    [...(c.added ?? []), ...(c.modified ?? [])].includes(CONFIG_PATH),
  );
  if (!touched) return;
  const owner = push.repository.owner?.login ?? push.repository.owner?.name ?? "";
  const repo = push.repository.name;
  const file = await readText(github, { owner, repo, path: CONFIG_PATH }, push.after);
  let problem: ConfigError | undefined;
  try {
    parseLancerConfig(file?.text ?? "", `${owner}/${repo}:${CONFIG_PATH}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problem = error;
  }
  // Loading also makes a good file the org's last good configuration.
  if (!problem) await configs.load(github, owner, { fresh: true });
  await github.request("POST /repos/{owner}/{repo}/check-runs", {
    owner,
    repo,
    name: "Lancer config",
    head_sha: push.after,
    status: "completed",
    conclusion: problem ? "failure" : "success",
    completed_at: new Date().toISOString(),
    output: problem
      ? {
          title: `invalid: ${problem.key}`,
          summary: `${problem.message}\n\nThe Lancer app keeps using the last valid configuration.`,
        }
      : { title: "valid", summary: `${CONFIG_PATH} is valid and in force.` },
  });
  log.info(`${owner}/${repo}: ${CONFIG_PATH} ${problem ? `invalid (${problem.key})` : "valid"}`);
}
