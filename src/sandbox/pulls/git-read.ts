import { git, gitOutput } from "../../core/git/git.ts";

/** The all-zero object id git uses for "no object" (a created or deleted ref). */
export const ZERO_SHA = "0".repeat(40);

/** The id of git's empty tree, to diff a root commit against. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** An identity line of a commit. */
export interface GitIdentity {
  name: string;
  email: string;
  /** Strict ISO 8601 with the author's offset, as `%aI` prints it. */
  date: string;
}

/** One commit as `git log` describes it. */
export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  message: string;
}

const FIELD = "%x1f";
const FORMAT = ["%H", "%T", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"].join(FIELD);

/** Commits that `git log <args>` lists (e.g. `["--reverse", "a..b"]`), oldest first with `--reverse`. */
export async function readCommits(gitDir: string, args: readonly string[]): Promise<CommitInfo[]> {
  const out = (await git(["log", `--format=${FORMAT}%x1e`, ...args, "--"], { cwd: gitDir })).stdout;
  return out
    .split("\x1e")
    .map((record) => record.replace(/^\n/, ""))
    .filter((record) => record.length > 0)
    .map((record) => {
      const [sha, tree, parents, an, ae, ad, cn, ce, cd, message] = record.split("\x1f");
      return {
        sha: sha!,
        tree: tree!,
        parents: parents ? parents.split(" ") : [],
        author: { name: an!, email: ae!, date: ad! },
        committer: { name: cn!, email: ce!, date: cd! },
        message: (message ?? "").replace(/\n+$/, ""),
      };
    });
}

/** One commit by id, or undefined when there is no such commit. */
export async function readCommit(gitDir: string, sha: string): Promise<CommitInfo | undefined> {
  if (!(await commitExists(gitDir, sha))) return undefined;
  return (await readCommits(gitDir, ["-1", sha]))[0];
}

/** Whether `sha` names a commit of the repository. */
export async function commitExists(gitDir: string, sha: string): Promise<boolean> {
  const result = await git(["cat-file", "-e", `${sha}^{commit}`], {
    cwd: gitDir,
    allowFailure: true,
  });
  return result.exitCode === 0;
}

/** The commit a branch points at, or undefined when the branch does not exist. */
export async function branchSha(gitDir: string, branch: string): Promise<string | undefined> {
  const result = await git(["rev-parse", "--verify", "-q", `refs/heads/${branch}^{commit}`], {
    cwd: gitDir,
    allowFailure: true,
  });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** Whether `ancestor` is reachable from `descendant`. */
export async function isAncestor(
  gitDir: string,
  ancestor: string,
  descendant: string,
): Promise<boolean> {
  const result = await git(["merge-base", "--is-ancestor", ancestor, descendant], {
    cwd: gitDir,
    allowFailure: true,
  });
  return result.exitCode === 0;
}

/** The best common ancestor of two commits, or undefined when their histories are unrelated. */
export async function mergeBase(gitDir: string, a: string, b: string): Promise<string | undefined> {
  const result = await git(["merge-base", a, b], { cwd: gitDir, allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** How many commits `head` has that `base` lacks. */
export async function countAhead(gitDir: string, base: string, head: string): Promise<number> {
  return Number(await gitOutput(["rev-list", "--count", `${base}..${head}`], { cwd: gitDir }));
}
