import type { Sandbox } from "../sandbox.ts";
import type { PullRequest, Repo } from "../state/model.ts";
import { diffFiles, type FileChange } from "./diff.ts";
import { branchSha, countAhead, EMPTY_TREE, mergeBase } from "./git-read.ts";
import { mergeTrees } from "./merge-tree.ts";

/** The commits a pull request compares: the base tip, the head, and where they meet. */
export interface PullRange {
  base: string;
  head: string;
  /** The merge base, or the empty tree when the histories are unrelated. */
  from: string;
}

/** What GitHub computes about a pull request from git: sizes and mergeability. */
export interface PullFacts {
  range: PullRange;
  commits: number;
  additions: number;
  deletions: number;
  changedFiles: number;
  files: FileChange[];
  mergeable: boolean | null;
  mergeableState: string;
}

/**
 * The range a pull request covers. An open pull request follows its base branch (and
 * remembers its tip); a closed one keeps the base it had when it was closed or merged.
 */
export async function pullRange(repo: Repo, pull: PullRequest, open: boolean): Promise<PullRange> {
  if (open) pull.baseSha = (await branchSha(repo.gitDir, pull.baseRef)) ?? pull.baseSha;
  const from = (await mergeBase(repo.gitDir, pull.baseSha, pull.headSha)) ?? EMPTY_TREE;
  return { base: pull.baseSha, head: pull.headSha, from };
}

/** Sizes and mergeability of a pull request, from the bare repository. */
export async function pullFacts(sandbox: Sandbox, pull: PullRequest): Promise<PullFacts> {
  const repo = sandbox.store.repos.get(pull.repoId)!;
  const open = sandbox.store.issues.get(pull.issueId)?.state === "open";
  const range = await pullRange(repo, pull, open);
  const [commits, files] = await Promise.all([
    countAhead(repo.gitDir, range.base, range.head),
    diffFiles(repo.gitDir, range.from, range.head),
  ]);
  let mergeable: boolean | null = null;
  let mergeableState = "unknown";
  if (open) {
    mergeable = (await mergeTrees(repo.gitDir, range.base, range.head)).clean;
    mergeableState = pull.draft ? "draft" : mergeable ? "clean" : "dirty";
  }
  return {
    range,
    commits,
    additions: files.reduce((sum, f) => sum + f.additions, 0),
    deletions: files.reduce((sum, f) => sum + f.deletions, 0),
    changedFiles: files.length,
    files,
    mergeable,
    mergeableState,
  };
}
