import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { git, gitOutput } from "../../src/core/git/git.ts";
import { actionsSettled, createActionsRepo, type LocalRepo } from "./actions-repo.ts";
import { startSandboxFixture, type SandboxFixture } from "./sandbox-fixture.ts";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
export const FIXTURE_TASKS = path.join(PROJECT_ROOT, "fixtures/tasks");

/**
 * A sandbox whose workflows can use `lancer/lancer@v1` (this checkout: action.yml and the
 * built dist/index.js, run the way the runner runs it) and whose repositories have the
 * secrets the templates expect: the app's id and key, and a token that reads the bank.
 */
export async function startLancerSandbox(): Promise<SandboxFixture> {
  const fx = await startSandboxFixture({ actions: { "lancer/lancer": PROJECT_ROOT } });
  const { app, tokens } = fx.running;
  Object.assign(fx.running.sandbox.secrets ?? {}, {
    LANCER_APP_ID: String(app.id),
    LANCER_APP_PRIVATE_KEY: readFileSync(app.privateKeyPath, "utf8"),
    LANCER_BANK_TOKEN: tokens.admin,
  });
  return fx;
}

/** Every file under a folder, by path relative to it. */
export function filesOf(dir: string, prefix = ""): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(files, filesOf(full, rel));
    else files[rel] = readFileSync(full, "utf8");
  }
  return files;
}

/** A private bank repository holding the given task folders (id → files). */
export async function pushBank(
  fx: SandboxFixture,
  name: string,
  tasks: Record<string, Record<string, string>>,
): Promise<void> {
  const repo = await createActionsRepo(fx, name);
  const files: Record<string, string> = {};
  for (const [id, taskFiles] of Object.entries(tasks))
    for (const [file, text] of Object.entries(taskFiles)) files[`${id}/${file}`] = text;
  await repo.commit(files, "bank");
  await repo.push("main");
}

export interface Mirror {
  repo: LocalRepo;
  name: string;
  mainSha: string;
  /** Pushes a branch off main with a patch applied or files written; returns its head. */
  branch(
    branch: string,
    change: { patch: string } | { files: Record<string, string> },
  ): Promise<string>;
  /** Opens a pull request from a branch as the agent; returns its number. */
  pull(branch: string, body?: string): Promise<number>;
}

/** A task mirror: the task's source as one commit on main, the agent allowed to push. */
export async function pushMirror(
  fx: SandboxFixture,
  name: string,
  source: Record<string, string>,
): Promise<Mirror> {
  const repo = await createActionsRepo(fx, name);
  await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
    owner: fx.running.org,
    repo: name,
    username: fx.running.users.agent,
    permission: "push",
  });
  const mainSha = await repo.commit(source, "task base");
  await repo.push("main");
  return {
    repo,
    name,
    mainSha,
    async branch(branch, change) {
      await git(["checkout", "-q", "-B", branch, mainSha], { cwd: repo.dir });
      if ("patch" in change) {
        await git(["apply", "--index"], { cwd: repo.dir, input: change.patch });
      }
      const sha = await repo.commit("files" in change ? change.files : {}, branch);
      await repo.push(branch);
      await git(["checkout", "-q", "main"], { cwd: repo.dir });
      return sha;
    },
    async pull(branch, body) {
      const { data } = await fx.agent.request("POST /repos/{owner}/{repo}/pulls", {
        owner: fx.running.org,
        repo: name,
        head: branch,
        base: "main",
        title: `Fix via ${branch}`,
        ...(body === undefined ? {} : { body }),
      });
      return data.number;
    },
  };
}

/** Dispatches a workflow and waits for every run and webhook it causes. */
export async function dispatchAndSettle(
  fx: SandboxFixture,
  repo: string,
  workflow: string,
  inputs: Record<string, string>,
): Promise<void> {
  await fx.admin.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
    owner: fx.running.org,
    repo,
    workflow_id: workflow,
    ref: "main",
    inputs,
  });
  await actionsSettled(fx);
}

/** The check runs named Lancer on a commit of a repository. */
export async function lancerChecks(fx: SandboxFixture, repo: string, sha: string) {
  const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: fx.running.org,
    repo,
    ref: sha,
    check_name: "Lancer",
  });
  return data.check_runs;
}

/** The head commit of a local repository's branch. */
export function headOf(repo: LocalRepo, ref = "HEAD"): Promise<string> {
  return gitOutput(["rev-parse", ref], { cwd: repo.dir });
}
