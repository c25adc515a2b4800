import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { git, GitError } from "../core/git/git.ts";
import { BankError, findTask, type BankTask } from "../core/task/bank.ts";
import { cloneUrl, gitAuthEnv, redact } from "../github/git-auth.ts";
import type { BankLocation } from "./inputs.ts";

export interface OpenBankOptions {
  location: BankLocation;
  taskId: string;
  /** Reads a bank repository; not needed for a folder or a public repository. */
  token: string | undefined;
  /** GITHUB_SERVER_URL: where `owner/repo` banks are cloned from. */
  serverUrl: string;
  /** Folders are relative to this (the workspace). */
  baseDir: string;
  /** An empty folder the bank repository may be cloned into. */
  cloneDir: string;
}

/**
 * Finds one task in a bank: a folder, or a bank repository of which only the task's folder is
 * fetched (one commit, sparse). Every failure is a BankError naming the bank and the task,
 * never quoting the token.
 */
export async function openBankTask(options: OpenBankOptions): Promise<BankTask> {
  const { location, taskId } = options;
  if (location.kind === "folder")
    return findTask(path.resolve(options.baseDir, location.path), taskId);
  const name = `${location.owner}/${location.repo}${location.ref ? `@${location.ref}` : ""}`;
  const env = options.token ? gitAuthEnv(options.serverUrl, options.token) : {};
  const cwd = options.cloneDir;
  try {
    await rm(cwd, { recursive: true, force: true });
    await mkdir(cwd, { recursive: true });
    await git(["init", "-q"], { cwd });
    await git(["sparse-checkout", "set", "--cone", taskId], { cwd });
    await git(
      [
        "fetch",
        "-q",
        "--depth=1",
        "--filter=blob:none",
        cloneUrl(options.serverUrl, location.owner, location.repo),
        location.ref ?? "HEAD",
      ],
      { cwd, env },
    );
    // With --filter the checkout fetches the blobs of the task's folder only (when the server
    // allows filters; otherwise the fetch above already brought them).
    await git(["checkout", "-q", "FETCH_HEAD"], { cwd, env });
  } catch (error) {
    const said = error instanceof GitError ? error.result.stderr : (error as Error).message;
    throw new BankError(
      `the bank ${name} cannot be read: ${lastLines(redact(said, [options.token]))}`,
    );
  }
  try {
    return await findTask(cwd, taskId);
  } catch (error) {
    if (error instanceof BankError)
      throw new BankError(error.message.replace(cwd, `the bank ${name}`));
    throw error;
  }
}

function lastLines(message: string): string {
  return message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-2)
    .join(" ");
}
