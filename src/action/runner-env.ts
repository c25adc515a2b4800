import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** What the Action takes from the runner's environment. */
export interface RunnerEnv {
  workspace: string;
  runnerTemp: string;
  serverUrl: string;
  apiUrl: string;
  /** owner/name of the workflow's repository. */
  repository: string | undefined;
  sha: string | undefined;
  /** The event's pull request, when it has one. */
  pullRequest: { number: number; headSha: string; headRepository: string | undefined } | undefined;
}

export function readRunnerEnv(env: NodeJS.ProcessEnv = process.env): RunnerEnv {
  const serverUrl = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
  return {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP ?? os.tmpdir(),
    serverUrl,
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
    repository: env.GITHUB_REPOSITORY,
    sha: env.GITHUB_SHA,
    pullRequest: eventPullRequest(env.GITHUB_EVENT_PATH),
  };
}

function eventPullRequest(eventPath: string | undefined): RunnerEnv["pullRequest"] {
  if (!eventPath) return undefined;
  try {
    const event = JSON.parse(readFileSync(eventPath, "utf8")) as {
      pull_request?: {
        number?: number;
        head?: { sha?: string; repo?: { full_name?: string } | null };
      };
    };
    const pr = event.pull_request;
    if (typeof pr?.number !== "number" || typeof pr.head?.sha !== "string") return undefined;
    return { number: pr.number, headSha: pr.head.sha, headRepository: pr.head.repo?.full_name };
  } catch {
    return undefined;
  }
}

/** Where the phases of one grading leave things for each other, outside the candidate. */
export interface WorkDir {
  root: string;
  /** The prepared task folder: task.yaml, hidden/, test.patch, source/ (no gold.patch). */
  taskDir(taskId: string): string;
  result: string;
  cache: string;
  bankClone: string;
  scratch: string;
}

export function workDir(root: string): WorkDir {
  return {
    root,
    taskDir: (taskId) => path.join(root, "task", taskId),
    result: path.join(root, "result.json"),
    cache: path.join(root, "cache"),
    bankClone: path.join(root, "bank"),
    scratch: path.join(root, "scratch"),
  };
}

/** True when `inner` is `outer` or inside it. */
export function isInside(inner: string, outer: string): boolean {
  const relative = path.relative(path.resolve(outer), path.resolve(inner));
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}
