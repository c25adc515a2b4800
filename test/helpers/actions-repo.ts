import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { git, gitOutput } from "../../src/core/git/git.ts";
import { runsIdle } from "../../src/sandbox/runner/run-registry.ts";
import type { SandboxFixture } from "./sandbox-fixture.ts";
import { tempDir } from "./temp-dir.ts";

/** Local repositories of the test file that imports this module (removed after it). */
const root = tempDir("lancer-actions-");

/** GitHub's schemas want commit emails that look like emails (git's default here does not). */
const COMMIT_ENV = { GIT_AUTHOR_EMAIL: "dev@example.com", GIT_COMMITTER_EMAIL: "dev@example.com" };

/** A local clone of a sandbox repository, to commit and push workflows with. */
export interface LocalRepo {
  dir: string;
  /** Writes files (creating folders), commits them and returns the commit's sha. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  /** Pushes a local ref to a branch of the sandbox repository with the admin token. */
  push(branch: string, from?: string): Promise<void>;
}

/** The git URL of a sandbox repository with a token in it. */
export function remoteUrl(fx: SandboxFixture, token: string, repo: string): string {
  const url = new URL(`${fx.running.url}/${fx.running.org}/${repo}.git`);
  url.username = "x-access-token";
  url.password = token;
  return url.toString();
}

/** Creates a private org repository and a local repository to push to it (nothing pushed yet). */
export async function createActionsRepo(fx: SandboxFixture, name: string): Promise<LocalRepo> {
  const org = fx.running.org;
  await fx.admin.request("POST /orgs/{org}/repos", { org, name, private: true });
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  await git(["init", "-q", "-b", "main"], { cwd: dir });
  return {
    dir,
    async commit(files, message = "change") {
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      await git(["add", "-A"], { cwd: dir });
      await git(["commit", "-q", "--allow-empty", "-m", message], { cwd: dir, env: COMMIT_ENV });
      return gitOutput(["rev-parse", "HEAD"], { cwd: dir });
    },
    async push(branch, from = "HEAD") {
      const url = remoteUrl(fx, fx.running.tokens.admin, name);
      await git(["push", "-q", "-f", url, `${from}:refs/heads/${branch}`], { cwd: dir });
    },
  };
}

/** Waits for every workflow run, then for every webhook. */
export async function actionsSettled(fx: SandboxFixture): Promise<void> {
  await runsIdle(fx.running.sandbox);
  await fx.settled();
}

/** A request without the contract client, for statuses GitHub does not document. */
export function rawApi(
  fx: SandboxFixture,
  method: string,
  path: string,
  body?: unknown,
  token: string = fx.running.tokens.admin,
): Promise<Response> {
  return fetch(`${fx.running.apiUrl}${path}`, {
    method,
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A job's log text, as the sandbox serves it from the job's log URL. */
export async function jobLog(fx: SandboxFixture, repo: string, jobId: number): Promise<string> {
  const response = await fx.admin.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
    owner: fx.running.org,
    repo,
    job_id: jobId,
    request: { redirect: "manual" },
  });
  const status: number = response.status;
  if (status !== 302) throw new Error(`logs answered ${status}`);
  const raw = await fetch(String(response.headers.location));
  if (!String(raw.headers.get("content-type")).startsWith("text/plain"))
    throw new Error("logs are not plain text");
  return raw.text();
}

/** A job as the tests look at it. */
export interface JobSummary {
  id: number;
  conclusion: string | null;
  steps: Array<{ name: string; conclusion: string | null }>;
}

/** The latest run of a workflow (by file name) and its jobs by name. */
export async function latestJobs(
  fx: SandboxFixture,
  repo: string,
  workflowFile: string,
): Promise<{ run: { id: number; conclusion: string | null }; jobs: Record<string, JobSummary> }> {
  const owner = fx.running.org;
  const { data } = await fx.admin.request(
    "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
    { owner, repo, workflow_id: workflowFile },
  );
  const run = data.workflow_runs[0];
  if (!run) throw new Error(`no run of ${workflowFile}`);
  const { data: jobs } = await fx.admin.request(
    "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
    { owner, repo, run_id: Number(run.id) },
  );
  const summaries = jobs.jobs.map((job): [string, JobSummary] => [
    job.name,
    {
      id: Number(job.id),
      conclusion: job.conclusion,
      steps: (job.steps ?? []).map((s) => ({ name: s.name, conclusion: s.conclusion })),
    },
  ]);
  return {
    run: { id: Number(run.id), conclusion: run.conclusion },
    jobs: Object.fromEntries(summaries),
  };
}

/**
 * Deliveries the fixture's receiver found invalid (bad signature or payload), leaving out
 * `push` while the contract helper looks its schema up as `push_event` (it is `push$event`).
 */
export function invalidDeliveries(fx: SandboxFixture): string[] {
  return fx.deliveries.map((d) => d.event).filter((e) => e.startsWith("INVALID"));
}
