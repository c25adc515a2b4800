import { readFileSync, statSync } from "node:fs";

/** The runner's event file is unusable: the message names GITHUB_EVENT_PATH and the file. */
export class EventFileError extends Error {
  override name = "EventFileError";
}

/** Events whose payload carries the pull request the Action grades. */
const PULL_REQUEST_EVENTS = new Set([
  "pull_request",
  "pull_request_target",
  "pull_request_review",
  "pull_request_review_comment",
]);

/** GitHub caps webhook (and so event) payloads at 25 MB; a larger file is not an event. */
const MAX_EVENT_BYTES = 25 * 1024 * 1024;

/**
 * The workflow event's payload from the file GITHUB_EVENT_PATH names, or undefined when the
 * variable is unset. A file that does not exist, is a folder, is empty, is not JSON or is not
 * an object throws an EventFileError naming the variable and the file.
 */
export function readEventPayload(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return undefined;
  const fail = (problem: string) => new EventFileError(`GITHUB_EVENT_PATH: ${file} ${problem}`);
  let text: string;
  try {
    const info = statSync(file);
    if (info.isDirectory()) throw fail("is a folder; expected the event's JSON payload");
    if (!info.isFile()) throw fail("is not a regular file; expected the event's JSON payload");
    if (info.size > MAX_EVENT_BYTES)
      throw fail(`is ${info.size} bytes; GitHub caps event payloads at 25 MB`);
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof EventFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw fail("does not exist");
    throw fail(`cannot be read (${code ?? (error as Error).message})`);
  }
  if (text.trim() === "") throw fail("is empty; expected the event's JSON payload");
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw fail(`is not valid JSON (${(error as Error).message})`);
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    throw fail(
      `holds ${payload === null ? "null" : Array.isArray(payload) ? "an array" : `a ${typeof payload}`}; expected the event's JSON payload (an object)`,
    );
  return payload as Record<string, unknown>;
}

/** The pull request an event carries, as the Action uses it. */
export interface EventPullRequest {
  number: number;
  headSha: string;
  headRepository: string | undefined;
}

/**
 * The event's pull request: undefined for events without one (push, workflow_dispatch…). A
 * pull request event (by GITHUB_EVENT_NAME, or a payload with a `pull_request` value) without
 * a usable `pull_request` object throws, naming the field that is wrong.
 */
export function eventPullRequest(
  env: NodeJS.ProcessEnv,
  payload: Record<string, unknown> | undefined,
): EventPullRequest | undefined {
  if (!payload) return undefined;
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const given = payload.pull_request !== undefined && payload.pull_request !== null;
  if (!PULL_REQUEST_EVENTS.has(eventName) && !given) return undefined;
  const fail = (field: string, what: string) =>
    new EventFileError(
      `GITHUB_EVENT_PATH: ${env.GITHUB_EVENT_PATH} has no usable pull request${eventName ? ` for event ${eventName}` : ""}: payload.${field}: expected ${what}`,
    );
  const pr = payload.pull_request as
    | { number?: unknown; head?: { sha?: unknown; repo?: { full_name?: unknown } | null } }
    | undefined;
  if (typeof pr !== "object" || pr === null || Array.isArray(pr))
    throw fail("pull_request", "an object");
  if (!Number.isSafeInteger(pr.number) || (pr.number as number) < 1)
    throw fail("pull_request.number", "a pull request number");
  if (typeof pr.head !== "object" || pr.head === null) throw fail("pull_request.head", "an object");
  if (typeof pr.head.sha !== "string" || pr.head.sha === "")
    throw fail("pull_request.head.sha", "a commit id");
  const fullName = pr.head.repo?.full_name;
  return {
    number: pr.number as number,
    headSha: pr.head.sha,
    headRepository: typeof fullName === "string" ? fullName : undefined,
  };
}
