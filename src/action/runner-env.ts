import os from "node:os";
import path from "node:path";
import { eventPullRequest, readEventPayload, type EventPullRequest } from "./event-file.ts";
import { isWithin } from "../core/paths/contained-path.ts";

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
  pullRequest: EventPullRequest | undefined;
}

/**
 * Reads the runner's variables. A GITHUB_EVENT_PATH file that cannot be read as the event's
 * payload, or a pull request event without a usable pull request, throws an EventFileError.
 */
export function readRunnerEnv(env: NodeJS.ProcessEnv = process.env): RunnerEnv {
  const serverUrl = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
  return {
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    runnerTemp: env.RUNNER_TEMP ?? os.tmpdir(),
    serverUrl,
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
    repository: env.GITHUB_REPOSITORY,
    sha: env.GITHUB_SHA,
    pullRequest: eventPullRequest(env, readEventPayload(env)),
  };
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
  return isWithin(path.resolve(outer), path.resolve(inner));
}
