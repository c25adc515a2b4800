import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { git, gitOutput } from "../../src/core/git/git.ts";
import type { Sandbox } from "../../src/sandbox/sandbox.ts";
import type { WebhookEvent } from "../../src/sandbox/webhooks/dispatcher.ts";

/**
 * Watches what a sandbox emits: `emitted(match)` resolves when a matching webhook is emitted
 * after the call. Pushes over HTTP are handled once git has had its answer, so a test waits
 * for the webhook a push causes (then `fx.settled()` for its delivery) instead of sleeping.
 */
export function watchEmits(
  sandbox: Sandbox,
): (match: (e: WebhookEvent) => boolean) => Promise<void> {
  const waiters: Array<{ match: (e: WebhookEvent) => boolean; resolve: () => void }> = [];
  const dispatcher = sandbox.webhooks;
  const emit = dispatcher.emit.bind(dispatcher);
  dispatcher.emit = (event) => {
    emit(event);
    for (const waiter of waiters.splice(0))
      if (waiter.match(event)) waiter.resolve();
      else waiters.push(waiter);
  };
  return (match) => new Promise((resolve) => waiters.push({ match, resolve }));
}

/** The URL git pushes to with a token, as GitHub takes it: `x-access-token:<token>@`. */
export function tokenRemote(baseUrl: string, fullName: string, token: string): string {
  const url = new URL(`${baseUrl}/${fullName}.git`);
  url.username = "x-access-token";
  url.password = token;
  return url.toString();
}

/** Writes (or, for null, deletes) files, commits them all and returns the commit id. */
export type Commit = (
  files: Record<string, string | null>,
  message: string,
  env?: Record<string, string>,
) => Promise<string>;

/** A local working repository on branch `main`, for commits to push to the sandbox. */
export async function localRepo(dir: string): Promise<{ dir: string; commit: Commit }> {
  mkdirSync(dir, { recursive: true });
  await git(["init", "-q", "-b", "main"], { cwd: dir });
  const commit: Commit = async (files, message, env = {}) => {
    for (const [file, text] of Object.entries(files)) {
      const full = path.join(dir, file);
      if (text === null) rmSync(full);
      else {
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    await git(["add", "-A"], { cwd: dir });
    await git(["commit", "-q", "-m", message], { cwd: dir, env });
    return gitOutput(["rev-parse", "HEAD"], { cwd: dir });
  };
  return { dir, commit };
}
