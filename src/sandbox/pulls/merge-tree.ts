import { git, GitError } from "../../core/git/git.ts";

/** The outcome of merging two commits in memory: the merged tree when it merges cleanly. */
export type MergeOutcome = { clean: true; tree: string } | { clean: false; conflicts: string[] };

/**
 * Merges `head` into `base` without touching any ref or worktree (`git merge-tree
 * --write-tree`): exit 0 is a clean merge, 1 a conflicted one.
 */
export async function mergeTrees(
  gitDir: string,
  base: string,
  head: string,
): Promise<MergeOutcome> {
  const result = await git(
    [
      "merge-tree",
      "--write-tree",
      "--name-only",
      "--no-messages",
      "--allow-unrelated-histories",
      base,
      head,
    ],
    { cwd: gitDir, allowFailure: true },
  );
  const lines = result.stdout.split("\n").filter(Boolean);
  if (result.exitCode === 0) return { clean: true, tree: lines[0]! };
  if (result.exitCode === 1) return { clean: false, conflicts: lines.slice(1) };
  throw new GitError(`git merge-tree failed in ${gitDir}: ${result.stderr.trim()}`, result);
}

/** Who a commit is by: name, email and when. */
export interface CommitIdentity {
  name: string;
  email: string;
  date: Date;
}

/** Writes a commit object (no ref moves) and returns its id. */
export async function writeCommit(
  gitDir: string,
  options: {
    tree: string;
    parents: string[];
    message: string;
    author: CommitIdentity;
    committer: CommitIdentity;
  },
): Promise<string> {
  const seconds = (date: Date) => `${Math.floor(date.getTime() / 1000)} +0000`;
  const args = ["commit-tree", options.tree, ...options.parents.flatMap((p) => ["-p", p])];
  const result = await git(args, {
    cwd: gitDir,
    input: options.message.endsWith("\n") ? options.message : `${options.message}\n`,
    env: {
      GIT_AUTHOR_NAME: options.author.name,
      GIT_AUTHOR_EMAIL: options.author.email,
      GIT_AUTHOR_DATE: seconds(options.author.date),
      GIT_COMMITTER_NAME: options.committer.name,
      GIT_COMMITTER_EMAIL: options.committer.email,
      GIT_COMMITTER_DATE: seconds(options.committer.date),
    },
  });
  return result.stdout.trim();
}

/**
 * Moves a ref from `expected` to `next` atomically; false when the ref no longer points at
 * `expected` (someone pushed in between).
 */
export async function moveRef(
  gitDir: string,
  ref: string,
  next: string,
  expected: string,
): Promise<boolean> {
  const result = await git(["update-ref", ref, next, expected], {
    cwd: gitDir,
    allowFailure: true,
  });
  return result.exitCode === 0;
}
