import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { git, gitOutput } from "../../src/core/git/git.ts";
import { gitAuthEnv } from "../../src/github/git-auth.ts";
import type { SeedAuth } from "../../src/github/seed/seed-bank.ts";
import { validateResponse } from "../helpers/github-contract.ts";
import { localRepo } from "../helpers/local-git.ts";
import type { SandboxFixture } from "../helpers/sandbox-fixture.ts";
import { writeTinyTask } from "../helpers/tiny-bank.ts";

export const FIXTURE_TASKS = path.resolve(import.meta.dirname, "../../fixtures/tasks");
export const IC_DIR_TASK = "js-slugify-accents";
export const MANAGER_TASK = "mgr-due-date-off-by-one";
export const IC_REPO_TASK = "sh-tiny-from-repo";

/**
 * A bank of three tasks: a fixture IC task whose source folder also holds a workflow (which
 * no mirror may carry) and a CODEOWNERS file (which it keeps), a fixture manager task, and an
 * IC task whose source is a commit in the middle of a local repository with a tag and another
 * branch (none of which may reach the mirror).
 */
export async function writeSeedBank(
  root: string,
): Promise<{ bankDir: string; baseCommit: string }> {
  const bankDir = path.join(root, "bank");
  mkdirSync(bankDir, { recursive: true });
  cpSync(path.join(FIXTURE_TASKS, IC_DIR_TASK), path.join(bankDir, IC_DIR_TASK), {
    recursive: true,
  });
  const workflows = path.join(bankDir, IC_DIR_TASK, "source", ".github", "workflows");
  mkdirSync(workflows, { recursive: true });
  writeFileSync(path.join(workflows, "ci.yml"), "on: push\njobs: {}\n");
  writeFileSync(path.join(bankDir, IC_DIR_TASK, "source", ".github", "CODEOWNERS"), "* @a\n");
  cpSync(path.join(FIXTURE_TASKS, MANAGER_TASK), path.join(bankDir, MANAGER_TASK), {
    recursive: true,
  });

  const upstream = await localRepo(path.join(root, "upstream"));
  await upstream.commit({ "lib/add.sh": "add() { echo 0; }\n", "old.txt": "history\n" }, "first");
  const baseCommit = await upstream.commit(
    { "lib/add.sh": "add() {\n  echo $(( $1 - $2 ))\n}\n", "old.txt": null, "README.md": "# t\n" },
    "second",
  );
  await git(["tag", "v1", baseCommit], { cwd: upstream.dir });
  await git(["branch", "side"], { cwd: upstream.dir });
  await upstream.commit({ "later.txt": "after the base\n" }, "third");
  writeTinyTask(bankDir, IC_REPO_TASK, {
    source: { repo: upstream.dir, commit: baseCommit },
    price_cents: 12_345,
  });
  return { bankDir, baseCommit };
}

export function appAuth(fx: SandboxFixture): SeedAuth {
  return {
    appId: fx.running.app.id,
    privateKey: readFileSync(fx.running.app.privateKeyPath, "utf8"),
  };
}

/**
 * Requests counted by the sandbox for routes of these methods, by route; the app's token mints
 * (`POST /app/...`) are left out: every run mints one, and they create no content.
 */
export function routeCounts(
  fx: SandboxFixture,
  methods: readonly string[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [route, n] of fx.running.sandbox.stats.byRoute) {
    const [method, template] = route.split(" ") as [string, string];
    if (methods.includes(method) && !template.startsWith("/app/")) counts[route] = n;
  }
  return counts;
}

/**
 * A fetch that checks every REST answer the seeder gets against GitHub's OpenAPI description,
 * collecting what does not match (asserted empty by the tests), and can fail on purpose.
 */
export function contractFetch(
  apiUrl: string,
  problems: string[],
  breakAfter?: (method: string, pathname: string, status: number) => boolean,
): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const method = (init?.method ?? "GET").toUpperCase();
    const below = url.pathname.replace(new URL(apiUrl).pathname, "");
    const text = await response.clone().text();
    let body: unknown = text === "" ? undefined : text;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: validated as text
    }
    try {
      validateResponse(method, below, response.status, response.status === 204 ? undefined : body);
    } catch (error) {
      problems.push((error as Error).message);
    }
    if (breakAfter?.(method, below, response.status))
      throw new TypeError(`connection reset after ${method} ${below} (injected)`);
    return response;
  };
}

/** Clones a repository of the sandbox with a token; returns the clone's folder. */
export async function cloneRepo(
  fx: SandboxFixture,
  repo: string,
  dir: string,
  token = fx.running.tokens.admin,
): Promise<string> {
  await git(["clone", "-q", `${fx.running.url}/${fx.running.org}/${repo}.git`, dir], {
    cwd: path.dirname(dir),
    env: gitAuthEnv(fx.running.url, token),
  });
  return dir;
}

/** Every file of a commit's tree, recursively. */
export async function filesAt(dir: string, rev = "HEAD"): Promise<string[]> {
  const out = await gitOutput(["ls-tree", "-r", "--name-only", rev], { cwd: dir });
  return out.split("\n").filter(Boolean).sort();
}
