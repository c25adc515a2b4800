import { git } from "../../core/git/git.ts";

/** What check suites show of their head commit (GitHub's `simple-commit`). */
export interface CommitInfo {
  sha: string;
  treeSha: string;
  message: string;
  /** Author date, ISO 8601 with the author's offset. */
  timestamp: string;
  author: { name: string; email: string };
  committer: { name: string; email: string };
}

/** A full object name: SHA-1 (40) or SHA-256 (64) hex digits. */
export const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** Commits never change, so what was read once is kept (keyed by repository folder and sha). */
const cache = new Map<string, CommitInfo>();

const FORMAT = ["%H", "%T", "%aI", "%an", "%ae", "%cn", "%ce", "%B"].join("%x00");

/**
 * Reads a commit of a bare repository by its full sha; undefined when the repository holds no
 * such commit (an unknown object, or one that is not a commit).
 */
export async function readCommit(gitDir: string, sha: string): Promise<CommitInfo | undefined> {
  if (!FULL_SHA.test(sha)) return undefined;
  const key = `${gitDir}\0${sha.toLowerCase()}`;
  const known = cache.get(key);
  if (known) return known;
  const exists = await git(["cat-file", "-e", `${sha}^{commit}`], {
    cwd: gitDir,
    allowFailure: true,
  });
  if (exists.exitCode !== 0) return undefined;
  const shown = await git(["show", "-s", `--format=${FORMAT}`, sha], { cwd: gitDir });
  const [full, tree, date, an, ae, cn, ce, ...message] = shown.stdout.split("\0");
  const info: CommitInfo = {
    sha: full!.trim(),
    treeSha: tree!,
    timestamp: date!,
    author: { name: an!, email: ae! },
    committer: { name: cn!, email: ce! },
    message: message.join("\0").trimEnd(),
  };
  cache.set(key, info);
  return info;
}

/**
 * The commit a ref names (a sha, a branch or a tag, as GitHub's `commits/{ref}` endpoints take
 * them); undefined when it names none.
 */
export async function resolveCommit(gitDir: string, ref: string): Promise<string | undefined> {
  if (ref === "" || ref.startsWith("-") || ref.includes("..")) return undefined;
  const result = await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
    cwd: gitDir,
    allowFailure: true,
  });
  const sha = result.stdout.trim();
  return result.exitCode === 0 && FULL_SHA.test(sha) ? sha.toLowerCase() : undefined;
}

/** The branches whose tip is `sha`, the default branch first. */
export async function branchesAt(
  gitDir: string,
  sha: string,
  defaultBranch: string,
): Promise<string[]> {
  const result = await git(
    ["for-each-ref", `--points-at=${sha}`, "--format=%(refname:strip=2)", "refs/heads/"],
    { cwd: gitDir, allowFailure: true },
  );
  if (result.exitCode !== 0) return [];
  const names = result.stdout.split("\n").filter(Boolean);
  return names.sort((a, b) => Number(b === defaultBranch) - Number(a === defaultBranch));
}
