import type { Sandbox } from "../sandbox.ts";
import type { Principal, PullRequest, Repo } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { emitPullEvent } from "./events.ts";
import { isAncestor, ZERO_SHA } from "./git-read.ts";

/** The open pull requests of a repository that `pick` selects. */
function openPulls(sandbox: Sandbox, repo: Repo, pick: (pull: PullRequest) => boolean) {
  const { store } = sandbox;
  return [...store.pulls.values()].filter(
    (p) => p.repoId === repo.id && store.issues.get(p.issueId)?.state === "open" && pick(p),
  );
}

/** Open pull requests whose head branch moved: the new head and `pull_request` `synchronize`. */
export async function synchronizePulls(
  sandbox: Sandbox,
  repo: Repo,
  branch: string,
  sha: string,
  senderId: number,
  actor: Principal,
): Promise<void> {
  const moved = openPulls(
    sandbox,
    repo,
    (p) => p.headRepoId === repo.id && p.headRef === branch && p.headSha !== sha,
  );
  for (const pull of moved) {
    const before = pull.headSha;
    pull.headSha = sha;
    sandbox.store.issues.get(pull.issueId)!.updatedAt = timestamp();
    await emitPullEvent(sandbox, pull, "synchronize", senderId, actor, { before, after: sha });
  }
}

/**
 * Open pull requests based on a branch whose head is now part of it (merged by a push, not
 * through the API): marked merged by the pusher and closed, as GitHub does.
 */
export async function followBaseBranch(
  sandbox: Sandbox,
  repo: Repo,
  branch: string,
  update: { before: string; after: string },
  senderId: number,
  actor: Principal,
): Promise<void> {
  const { before, after: sha } = update;
  const based = openPulls(sandbox, repo, (p) => p.baseRef === branch);
  for (const pull of based) {
    if (!(await isAncestor(repo.gitDir, pull.headSha, sha))) continue;
    if (before !== ZERO_SHA && (await isAncestor(repo.gitDir, pull.headSha, before))) continue;
    const now = timestamp();
    const issue = sandbox.store.issues.get(pull.issueId)!;
    Object.assign(pull, {
      merged: true,
      mergedAt: now,
      mergedById: senderId,
      mergeCommitSha: sha,
      ...(before === ZERO_SHA ? {} : { baseSha: before }),
    });
    Object.assign(issue, { state: "closed", closedAt: now, closedById: senderId, updatedAt: now });
    await emitPullEvent(sandbox, pull, "closed", senderId, actor);
  }
}
