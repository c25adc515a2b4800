import { mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import type { Octokit } from "@octokit/core";
import type { Agent, IcSubmission } from "../core/agent.ts";
import { git, gitOutput, GitError } from "../core/git/git.ts";
import { cloneUrl, gitAuthEnv, redact } from "./git-auth.ts";
import { listAll } from "./rest.ts";
import { readTaskIssue } from "./task-issue.ts";

export interface SolveIssueOptions {
  octokit: Octokit;
  /** GitHub's web URL (github.com, GHES or the sandbox), for git over HTTPS. */
  serverUrl: string;
  /** The agent's token: reads the mirror, pushes a branch, opens the pull request. */
  token: string;
  owner: string;
  repo: string;
  issue: number;
  agent: Agent;
  /** Attempt number; default the next one free among the pushed `lancer/<task>-N` branches. */
  attempt?: number;
  /** Where the clone and the agent's files go (removed afterwards). */
  workRoot: string;
  /** Extra text for the pull request body (e.g. the agent's trajectory, collapsed). */
  describe?: (submission: IcSubmission) => Promise<string>;
  log?: (line: string) => void;
}

export type SolveOutcome =
  | {
      kind: "ic";
      taskId: string;
      attempt: number;
      branch: string;
      pullRequest: number;
      url: string;
    }
  | { kind: "manager"; taskId: string; selectedProposalId: number; commentUrl: string };

export class SolveError extends Error {
  override name = "SolveError";
}

/**
 * Works one task issue the way an outside agent would, with only the agent's token: reads the
 * task from the issue, clones the mirror, lets the agent change it, pushes the change to
 * `lancer/<task>-<attempt>` and opens a pull request that `Fixes #N`. For a manager task,
 * comments `/select N` with the agent's reason.
 */
export async function solveIssue(options: SolveIssueOptions): Promise<SolveOutcome> {
  const { octokit, owner, repo, issue: number } = options;
  const log = options.log ?? (() => undefined);
  const where = `${owner}/${repo}#${number}`;
  const { data: issue } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
    owner,
    repo,
    issue_number: number,
  });
  if (issue.pull_request) throw new SolveError(`${where} is a pull request, not a task issue`);
  if (issue.state !== "open") throw new SolveError(`${where} is closed`);
  const comments = await listAll<Parameters<typeof readTaskIssue>[1][number]>(
    octokit,
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    { owner, repo, issue_number: number },
  );
  const task = readTaskIssue(issue, comments, where);
  log(`${where}: task ${task.id} (${task.kind})`);
  await mkdir(options.workRoot, { recursive: true });
  const scratchDir = await mkdtemp(path.join(options.workRoot, `lancer-solve-${task.id}-`));
  try {
    if (task.kind === "manager") {
      const answer = await options.agent.solveManager({ task, scratchDir });
      if (answer.selectedProposalId === null)
        throw new SolveError(`the agent chose no proposal for ${where}`);
      const body = [
        `/select ${answer.selectedProposalId}`,
        ...(answer.reason ? ["", answer.reason.trim()] : []),
      ].join("\n");
      const { data } = await octokit.request(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        { owner, repo, issue_number: number, body },
      );
      return {
        kind: "manager",
        taskId: task.id,
        selectedProposalId: answer.selectedProposalId,
        commentUrl: data.html_url,
      };
    }
    return await solveIc(options, task, scratchDir, log);
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

async function solveIc(
  options: SolveIssueOptions,
  task: ReturnType<typeof readTaskIssue>,
  scratchDir: string,
  log: (line: string) => void,
): Promise<SolveOutcome> {
  const { octokit, owner, repo, issue: number } = options;
  const url = cloneUrl(options.serverUrl, owner, repo);
  const auth = gitAuthEnv(options.serverUrl, options.token);
  const ws = path.join(scratchDir, "ws");
  const gitFailure = (error: unknown, what: string) =>
    new SolveError(
      `${what}: ${redact(error instanceof GitError ? error.result.stderr.trim() : String(error), [options.token])}`,
    );
  const { data: repository } = await octokit.request("GET /repos/{owner}/{repo}", { owner, repo });
  const base = repository.default_branch;
  try {
    await git(["clone", "-q", "--depth=1", "--branch", base, url, ws], {
      cwd: scratchDir,
      env: auth,
    });
  } catch (error) {
    throw gitFailure(error, `cannot clone ${owner}/${repo}`);
  }
  const baseCommit = await gitOutput(["rev-parse", "HEAD"], { cwd: ws });
  const attempt = options.attempt ?? (await nextAttempt(ws, auth, task.id));
  const branch = `lancer/${task.id}-${attempt}`;
  log(`agent ${options.agent.name} works on ${task.id} (attempt ${attempt})`);
  const submission = await options.agent.solveIc({
    task,
    workspace: async () => ({ dir: ws, baseCommit }),
    scratchDir,
  });
  if (submission.patch.trim() === "")
    throw new SolveError(`the agent made no change to ${owner}/${repo}; no pull request opened`);
  // The pull request holds exactly the agent's patch, whatever else it left in the clone.
  await git(["checkout", "-q", "-B", branch, baseCommit], { cwd: ws });
  await git(["reset", "-q", "--hard", baseCommit], { cwd: ws });
  await git(["clean", "-qfdx"], { cwd: ws });
  await git(["apply", "--index", "--binary", "-"], { cwd: ws, input: submission.patch });
  const now = new Date().toISOString();
  await git(["commit", "-q", "-m", `Fix #${number}: ${task.title}`], {
    cwd: ws,
    env: {
      GIT_AUTHOR_NAME: options.agent.name.slice(0, 60),
      GIT_COMMITTER_NAME: options.agent.name.slice(0, 60),
      GIT_AUTHOR_DATE: now,
      GIT_COMMITTER_DATE: now,
    },
  });
  try {
    await git(["push", "-q", url, `HEAD:refs/heads/${branch}`], { cwd: ws, env: auth });
  } catch (error) {
    throw gitFailure(error, `cannot push ${branch} to ${owner}/${repo}`);
  }
  const extra = options.describe ? await options.describe(submission) : "";
  const { data: pull } = await octokit.request("POST /repos/{owner}/{repo}/pulls", {
    owner,
    repo,
    head: branch,
    base,
    title: `Fix #${number}: ${task.title}`.slice(0, 250),
    body: [
      `Fixes #${number}`,
      "",
      `Lancer-Task: ${task.id}`,
      `Attempt: ${attempt}`,
      `Agent: ${options.agent.name}`,
      ...(extra ? ["", extra] : []),
    ].join("\n"),
  });
  log(`opened ${pull.html_url}`);
  return {
    kind: "ic",
    taskId: task.id,
    attempt,
    branch,
    pullRequest: pull.number,
    url: pull.html_url,
  };
}

/** One more than the highest N of the `lancer/<task>-N` branches already pushed. */
async function nextAttempt(
  ws: string,
  auth: Record<string, string>,
  taskId: string,
): Promise<number> {
  const listed = await gitOutput(
    ["ls-remote", "--heads", "origin", `refs/heads/lancer/${taskId}-*`],
    {
      cwd: ws,
      env: auth,
    },
  );
  const prefix = `refs/heads/lancer/${taskId}-`;
  const used = listed
    .split("\n")
    .map((line) => line.split("\t")[1] ?? "")
    .filter((ref) => ref.startsWith(prefix))
    .map((ref) => Number(ref.slice(prefix.length)))
    .filter((n) => Number.isInteger(n) && n > 0);
  return used.length === 0 ? 1 : Math.max(...used) + 1;
}
