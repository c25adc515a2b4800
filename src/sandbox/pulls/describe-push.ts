import { git } from "../../core/git/git.ts";
import type { RefUpdate } from "../git/refs.ts";
import type { PushedCommit, PushFacts } from "../serialize/push-payload.ts";
import type { User } from "../state/model.ts";
import { commitPaths } from "./diff.ts";
import { isAncestor, readCommit, readCommits, ZERO_SHA, type CommitInfo } from "./git-read.ts";

/** GitHub lists at most this many commits in a `push` payload. */
const MAX_COMMITS = 2048;

/**
 * Arguments that exclude the commits of every branch and tag but `ref` (not `--all`, which
 * takes HEAD too, and HEAD of a bare repository is usually the very branch pushed).
 */
function otherRefs(ref: string): string[] {
  return [
    "--not",
    `--exclude=${ref}`,
    "--glob=refs/heads/*",
    `--exclude=${ref}`,
    "--glob=refs/tags/*",
  ];
}

/** Commits reachable from `tip` but from no other branch or tag: the ones new with this push. */
async function newCommits(gitDir: string, ref: string, tip: string): Promise<Set<string>> {
  const out = (await git(["rev-list", tip, ...otherRefs(ref)], { cwd: gitDir })).stdout;
  return new Set(out.split("\n").filter(Boolean));
}

async function withPaths(
  gitDir: string,
  commit: CommitInfo,
  distinct: boolean,
): Promise<PushedCommit> {
  return { ...commit, ...(await commitPaths(gitDir, commit.sha, commit.parents[0])), distinct };
}

/**
 * What a ref update of a push amounts to, from the bare repository after the push: created,
 * deleted or forced, the pushed commits with the paths each touched, the head commit.
 */
export async function describePush(
  gitDir: string,
  update: RefUpdate,
  pusher: User,
): Promise<PushFacts> {
  const created = update.before === ZERO_SHA;
  const deleted = update.after === ZERO_SHA;
  const forced = !created && !deleted && !(await isAncestor(gitDir, update.before, update.after));
  const facts: PushFacts = {
    ...update,
    created,
    deleted,
    forced,
    commits: [],
    headCommit: null,
    pusher,
  };
  if (deleted) return facts;
  const fresh = await newCommits(gitDir, update.ref, update.after);
  const listed = created
    ? await readCommits(gitDir, ["--reverse", update.after, ...otherRefs(update.ref)])
    : await readCommits(gitDir, ["--reverse", `${update.before}..${update.after}`]);
  const kept = listed.slice(-MAX_COMMITS);
  for (const commit of kept)
    facts.commits.push(await withPaths(gitDir, commit, fresh.has(commit.sha)));
  const head = facts.commits.find((c) => c.sha === update.after);
  if (head) facts.headCommit = head;
  else {
    const commit = await readCommit(gitDir, update.after);
    if (commit) facts.headCommit = await withPaths(gitDir, commit, fresh.has(commit.sha));
  }
  return facts;
}
