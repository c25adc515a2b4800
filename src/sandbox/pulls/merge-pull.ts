import { actingUserId, repoFor } from "../auth/permissions.ts";
import { noreplyEmail } from "../contents/identity.ts";
import { onPush } from "../events/on-push.ts";
import { ApiError, validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import type { Issue, PullRequest, Repo, User } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { emitPullEvent } from "./events.ts";
import { branchSha, readCommits } from "./git-read.ts";
import { findPull } from "./lookup.ts";
import { mergeTrees, moveRef, writeCommit, type CommitIdentity } from "./merge-tree.ts";

const METHODS = ["merge", "squash", "rebase"];
const notMergeable = () => new ApiError(405, "Pull Request is not mergeable");

function identity(user: User, date: Date): CommitIdentity {
  return { name: user.name ?? user.login, email: user.email ?? noreplyEmail(user), date };
}

/** The commit message GitHub writes for a merge or a squash, unless the caller gave one. */
async function commitMessage(
  repo: Repo,
  owner: string,
  pull: PullRequest,
  issue: Issue,
  method: string,
  given: { title: string | undefined; message: string | undefined },
  base: string,
): Promise<string> {
  if (method === "squash") {
    const commits = await readCommits(repo.gitDir, ["--reverse", `${base}..${pull.headSha}`]);
    const title = given.title ?? `${issue.title} (#${pull.number})`;
    const message = given.message ?? commits.map((c) => `* ${c.message}`).join("\n\n");
    return message ? `${title}\n\n${message}` : title;
  }
  const title = given.title ?? `Merge pull request #${pull.number} from ${owner}/${pull.headRef}`;
  const message = given.message ?? issue.title;
  return message ? `${title}\n\n${message}` : title;
}

/**
 * `PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge`: a real merge (or squash) commit on
 * the base branch, written with `git merge-tree` and `commit-tree` and moved into place with
 * `update-ref` against the old tip. 405 when the pull request cannot be merged, 409 when
 * `sha` is not its head or the base moved meanwhile. Then `pull_request` `closed` (merged)
 * and everything a push of the base branch brings.
 */
export async function mergePull(context: RequestContext): Promise<Reply> {
  const { sandbox, principal } = context;
  const { store } = sandbox;
  const repo = repoFor(context, "contents", "write");
  const { pull, issue } = findPull(context, repo);
  const userId = actingUserId(context);
  const body = context.body === null ? {} : bodyObject(context);
  const title = field<string>(body, "commit_title", "string", { resource: "PullRequest" });
  const message = field<string>(body, "commit_message", "string", { resource: "PullRequest" });
  const sha = field<string>(body, "sha", "string", { resource: "PullRequest" });
  const method =
    field<string>(body, "merge_method", "string", { resource: "PullRequest" }) ?? "merge";
  if (!METHODS.includes(method))
    throw validationFailed([{ resource: "PullRequest", field: "merge_method", code: "invalid" }]);
  if (pull.merged || issue.state !== "open") throw notMergeable();
  if (sha !== undefined && sha !== pull.headSha)
    throw new ApiError(409, "Head branch was modified. Review and try the merge again.");
  if (pull.draft) throw new ApiError(405, "Pull Request is still a draft");
  if (method === "rebase")
    throw new ApiError(405, "Rebase merges are not allowed on this repository.");
  const base = await branchSha(repo.gitDir, pull.baseRef);
  if (base === undefined) throw notMergeable();
  const outcome = await mergeTrees(repo.gitDir, base, pull.headSha);
  if (!outcome.clean) throw notMergeable();

  const owner = store.ownerLogin(repo);
  const now = new Date();
  const merger = store.users.get(userId)!;
  const author = method === "squash" ? (store.users.get(issue.userId) ?? merger) : merger;
  const commit = await writeCommit(repo.gitDir, {
    tree: outcome.tree,
    parents: method === "squash" ? [base] : [base, pull.headSha],
    message: await commitMessage(repo, owner, pull, issue, method, { title, message }, base),
    author: identity(author, now),
    committer: identity(merger, now),
  });
  if (!(await moveRef(repo.gitDir, `refs/heads/${pull.baseRef}`, commit, base)))
    throw new ApiError(409, "Base branch was modified. Review and try the merge again.");

  const at = timestamp(now);
  Object.assign(pull, {
    merged: true,
    mergedAt: at,
    mergedById: userId,
    mergeCommitSha: commit,
    baseSha: base,
  });
  Object.assign(issue, { state: "closed", closedAt: at, closedById: userId, updatedAt: at });
  await emitPullEvent(sandbox, pull, "closed", userId, principal);
  await onPush(
    sandbox,
    repo,
    [{ ref: `refs/heads/${pull.baseRef}`, before: base, after: commit }],
    principal,
  );
  return {
    status: 200,
    body: { sha: commit, merged: true, message: "Pull Request successfully merged" },
  };
}
