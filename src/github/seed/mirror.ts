import { lancerCommitEnv } from "../git-auth.ts";
import type { Octokit } from "@octokit/core";
import { gitOutput } from "../../core/git/git.ts";
import type { BankTask } from "../../core/task/bank.ts";
import { ensureSourceRepo } from "../../core/workspace/source-repo.ts";
import { putPath, treeOf, writeBlob, writeTree } from "./git-tree.ts";
import { pushBranch, remoteBranch, type Remote, type Scratch } from "./git-remote.ts";
import { fail } from "./repos.ts";

/** The branch a mirror's base lives on. */
export const MIRROR_BRANCH = "main";

/** Who made a mirror's commit, and when: fixed, so the same base always gives the same commit. */
const MIRROR_COMMIT_ENV = lancerCommitEnv("2000-01-01T00:00:00Z");

export interface MirrorCommit {
  commit: string;
  tree: string;
}

/**
 * The one commit a task's mirror holds: the tree of the task's base (from `ensureSourceRepo`)
 * without `.github/workflows` (a mirror runs no workflow of the project), with no parent. A
 * task without a source (a manager task) gets a README naming it. Nothing of `hidden/` or
 * `gold.patch` can be in it: they are not part of the base.
 */
export async function buildMirrorCommit(
  scratch: Scratch,
  bankTask: BankTask,
  cacheDir: string,
): Promise<MirrorCommit> {
  const { task } = bankTask;
  const { gitDir } = scratch;
  let tree: string;
  if (task.source) {
    const source = await ensureSourceRepo(bankTask, cacheDir);
    await scratch.borrowObjects(source.repo);
    const base = await treeOf(gitDir, source.commit);
    tree =
      (await putPath(gitDir, base, ".github/workflows", null)) ?? (await writeTree(gitDir, []));
  } else {
    const readme = `# ${task.title}\n\nA Lancer ${task.kind} task: the issue of this repository says what to do.\n`;
    const blob = await writeBlob(gitDir, readme);
    tree = await writeTree(gitDir, [
      { mode: "100644", type: "blob", sha: blob, name: "README.md" },
    ]);
  }
  const commit = await gitOutput(["commit-tree", tree, "-m", `Lancer task ${task.id}`], {
    cwd: gitDir,
    env: MIRROR_COMMIT_ENV,
  });
  return { commit, tree };
}

/**
 * Makes the mirror's main branch hold exactly `built`: nothing is pushed when it already has
 * that tree; a branch with another tree (an older base) is replaced, only if it has not moved
 * meanwhile. Only `main` is pushed: no other branch, no tag.
 */
export async function syncMirror(
  octokit: Octokit,
  remote: Remote,
  scratch: Scratch,
  built: MirrorCommit,
  fresh: boolean,
): Promise<"pushed" | "unchanged" | "replaced"> {
  const head = fresh ? undefined : await remoteBranch(remote, scratch.gitDir, MIRROR_BRANCH);
  if (head === built.commit) return "unchanged";
  if (head === undefined) {
    await pushBranch(remote, scratch.gitDir, built.commit, MIRROR_BRANCH);
    return "pushed";
  }
  const { data } = await octokit
    .request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner: remote.owner,
      repo: remote.repo,
      commit_sha: head,
    })
    .catch(fail(`${remote.owner}/${remote.repo}: cannot read the commit of ${MIRROR_BRANCH}`));
  if (data.tree.sha === built.tree) return "unchanged";
  await pushBranch(remote, scratch.gitDir, built.commit, MIRROR_BRANCH, { replace: head });
  return "replaced";
}
