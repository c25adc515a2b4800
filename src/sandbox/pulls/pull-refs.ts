import { git } from "../../core/git/git.ts";
import type { PullRequest, Repo } from "../state/model.ts";
import { mergeTrees, writeCommit } from "./merge-tree.ts";

/** Who writes the test merge commits of `refs/pull/N/merge`, as GitHub's own identity does. */
const WEB_FLOW = { name: "GitHub", email: "noreply@github.com" };

/**
 * Points `refs/pull/N/head` at the pull request's head and, when it merges cleanly,
 * `refs/pull/N/merge` at a test merge commit of head into base (what `pull_request`
 * workflows check out). Returns the merge commit, or undefined when it conflicts.
 */
export async function refreshPullRefs(
  repo: Repo,
  pull: PullRequest,
  baseSha: string,
): Promise<string | undefined> {
  const prefix = `refs/pull/${pull.number}`;
  await git(["update-ref", `${prefix}/head`, pull.headSha], { cwd: repo.gitDir });
  const outcome = await mergeTrees(repo.gitDir, baseSha, pull.headSha);
  if (!outcome.clean) {
    await git(["update-ref", "-d", `${prefix}/merge`], { cwd: repo.gitDir, allowFailure: true });
    return undefined;
  }
  const now = new Date();
  const sha = await writeCommit(repo.gitDir, {
    tree: outcome.tree,
    parents: [baseSha, pull.headSha],
    message: `Merge ${pull.headSha} into ${baseSha}`,
    author: { ...WEB_FLOW, date: now },
    committer: { ...WEB_FLOW, date: now },
  });
  await git(["update-ref", `${prefix}/merge`, sha], { cwd: repo.gitDir });
  return sha;
}
