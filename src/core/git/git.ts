import { runProcess, type ProcessResult } from "../exec/run-process.ts";

/** Fixed identity and dates so that the same tree always gives the same commit id. */
const DETERMINISTIC_COMMIT_ENV = {
  GIT_AUTHOR_NAME: "Lancer",
  GIT_AUTHOR_EMAIL: "lancer@lancer.invalid",
  GIT_AUTHOR_DATE: "2000-01-01T00:00:00Z",
  GIT_COMMITTER_NAME: "Lancer",
  GIT_COMMITTER_EMAIL: "lancer@lancer.invalid",
  GIT_COMMITTER_DATE: "2000-01-01T00:00:00Z",
};

/** Keeps the user's and the system's git configuration (hooks, signing, aliases) out. */
const ISOLATED_GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  HOME: "/nonexistent",
};

export class GitError extends Error {
  override name = "GitError";
  readonly result: ProcessResult;
  constructor(message: string, result: ProcessResult) {
    super(message);
    this.result = result;
  }
}

export interface GitOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string | Buffer;
  /** Return the result instead of throwing when git exits non-zero. */
  allowFailure?: boolean;
}

/** Runs the real `git` binary with an isolated configuration. */
export async function git(args: readonly string[], options: GitOptions): Promise<ProcessResult> {
  const result = await runProcess("git", args, {
    cwd: options.cwd,
    env: { ...ISOLATED_GIT_ENV, ...DETERMINISTIC_COMMIT_ENV, ...options.env },
    timeoutMs: 10 * 60_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  if (result.exitCode !== 0 && !options.allowFailure) {
    const detail = (result.stderr || result.stdout).trim().split("\n").slice(0, 5).join("\n");
    throw new GitError(`git ${args.join(" ")} failed in ${options.cwd}: ${detail}`, result);
  }
  return result;
}

/** Runs git and returns its trimmed stdout. */
export async function gitOutput(args: readonly string[], options: GitOptions): Promise<string> {
  return (await git(args, options)).stdout.trim();
}
