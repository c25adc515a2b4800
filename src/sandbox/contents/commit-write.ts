import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ZERO_OID, repoGit, repoGitOutput } from "./repo-git.ts";

/** Who wrote or committed a change: `date` is ISO 8601 (an offset is kept as the time zone). */
export interface Signature {
  name: string;
  email: string;
  date: string;
}

/** One path set to a blob (with its mode) or removed (`blob: null`). */
export interface PathChange {
  path: string;
  blob: string | null;
  mode?: string;
}

/** Stores bytes as a blob and returns its id. */
export function writeBlob(gitDir: string, bytes: Buffer): Promise<string> {
  return repoGitOutput(gitDir, ["hash-object", "-w", "--stdin"], { input: bytes });
}

/** Git's internal date format (`<seconds> <+hhmm>`) for an ISO 8601 date. */
export function gitDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(iso);
  return `${seconds} ${offset ? `${offset[1]}${offset[2]}${offset[3]}` : "+0000"}`;
}

/**
 * Writes a commit on top of `parent` (null: a root commit) with `changes` applied, using a
 * throw-away index file: no working tree is ever checked out. Returns the commit and its tree.
 * Moving a branch to it is the caller's job (with a compare-and-swap).
 */
export async function writeCommit(
  gitDir: string,
  options: {
    parent: string | null;
    changes: readonly PathChange[];
    message: string;
    author: Signature;
    committer: Signature;
  },
): Promise<{ commit: string; tree: string }> {
  const scratch = await mkdtemp(path.join(tmpdir(), "lancer-index-"));
  try {
    const env = { GIT_INDEX_FILE: path.join(scratch, "index") };
    await repoGit(gitDir, ["read-tree", ...(options.parent ? [options.parent] : ["--empty"])], {
      env,
    });
    const info = options.changes
      .map((c) =>
        c.blob === null
          ? `0 ${ZERO_OID}\t${c.path}\0`
          : `${c.mode ?? "100644"} ${c.blob}\t${c.path}\0`,
      )
      .join("");
    await repoGit(gitDir, ["update-index", "-z", "--index-info"], { env, input: info });
    const tree = await repoGitOutput(gitDir, ["write-tree"], { env });
    const message = options.message.endsWith("\n") ? options.message : `${options.message}\n`;
    const commit = await repoGitOutput(
      gitDir,
      ["commit-tree", tree, ...(options.parent ? ["-p", options.parent] : []), "-F", "-"],
      {
        input: message,
        env: {
          GIT_AUTHOR_NAME: options.author.name,
          GIT_AUTHOR_EMAIL: options.author.email,
          GIT_AUTHOR_DATE: gitDate(options.author.date),
          GIT_COMMITTER_NAME: options.committer.name,
          GIT_COMMITTER_EMAIL: options.committer.email,
          GIT_COMMITTER_DATE: gitDate(options.committer.date),
        },
      },
    );
    return { commit, tree };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
