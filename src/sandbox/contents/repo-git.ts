import { execa } from "execa";
import { git, type GitOptions } from "../../core/git/git.ts";
import type { ProcessResult } from "../../core/exec/run-process.ts";

/** Git's id of "no object": the expected old value of a ref that must not exist yet. */
export const ZERO_OID = "0".repeat(40);

/** A full object id as git prints it. */
export const FULL_SHA = /^[0-9a-f]{40}$/;

/** Runs git plumbing in a bare repository (through the project's isolated git wrapper). */
export function repoGit(
  gitDir: string,
  args: readonly string[],
  options: Omit<GitOptions, "cwd"> = {},
): Promise<ProcessResult> {
  return git(args, { ...options, cwd: gitDir });
}

/** Like repoGit, with stdout trimmed of its final newline only. */
export async function repoGitOutput(
  gitDir: string,
  args: readonly string[],
  options: Omit<GitOptions, "cwd"> = {},
): Promise<string> {
  return (await repoGit(gitDir, args, options)).stdout.replace(/\n$/, "");
}

/**
 * The bytes of a blob. The project's wrapper decodes output as UTF-8, which would mangle
 * binary files, so this one call reads git's stdout as a buffer.
 */
export async function readBlob(gitDir: string, sha: string): Promise<Buffer> {
  const result = await execa("git", ["cat-file", "blob", sha], {
    cwd: gitDir,
    encoding: "buffer",
    stripFinalNewline: false,
    env: { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", HOME: "/nonexistent" },
  });
  return Buffer.from(result.stdout);
}
