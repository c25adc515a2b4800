import { actingUserId, holds, repoFor } from "../auth/permissions.ts";
import { ApiError, validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import { pullRequest } from "../serialize/pull.ts";
import { timestamp } from "../state/store.ts";
import { pullCustomError } from "./errors.ts";
import { emitPullEvent } from "./events.ts";
import { pullFacts } from "./facts.ts";
import { branchSha, countAhead } from "./git-read.ts";
import { findPull, pullWriteLevel } from "./lookup.ts";

const R = "PullRequest";

/**
 * `PATCH /repos/{owner}/{repo}/pulls/{pull_number}`: title, body, state (close or reopen),
 * base branch, maintainer_can_modify. Its author may edit it with read access; others need
 * triage. Sends `edited` (with `changes`), `closed` or `reopened`.
 */
export async function updatePull(context: RequestContext): Promise<Reply> {
  const { sandbox, principal } = context;
  const { store } = sandbox;
  const repo = repoFor(context, "pull_requests", pullWriteLevel(context));
  const { pull, issue } = findPull(context, repo);
  const userId = actingUserId(context);
  if (
    principal.kind === "user" &&
    issue.userId !== userId &&
    !holds(store, principal, repo, "pull_requests", "write")
  )
    throw new ApiError(403, "Must have push access to repository.");
  const body = bodyObject(context);
  const title = field<string>(body, "title", "string", { resource: R });
  const text = field<string>(body, "body", "string", { resource: R, nullable: true });
  const state = field<string>(body, "state", "string", { resource: R });
  const base = field<string>(body, "base", "string", { resource: R });
  const canModify = field<boolean>(body, "maintainer_can_modify", "boolean", { resource: R });
  if (state !== undefined && state !== "open" && state !== "closed")
    throw validationFailed([{ resource: R, field: "state", code: "invalid" }]);
  if (title !== undefined && title.trim() === "")
    throw validationFailed([{ resource: "Issue", field: "title", code: "missing_field" }]);
  const reopening = state === "open" && issue.state === "closed";
  const closing = state === "closed" && issue.state === "open";
  if (reopening && pull.merged)
    throw pullCustomError("state cannot be changed. The pull request has already been merged.");
  if (reopening) {
    const other = [...store.pulls.values()].find(
      (p) =>
        p.id !== pull.id &&
        p.repoId === repo.id &&
        p.headRef === pull.headRef &&
        p.baseRef === (base ?? pull.baseRef) &&
        store.issues.get(p.issueId)?.state === "open",
    );
    if (other)
      throw pullCustomError(
        `A pull request already exists for ${store.ownerLogin(repo)}:${pull.headRef}.`,
      );
    if ((await branchSha(repo.gitDir, pull.headRef)) === undefined)
      throw pullCustomError(
        `state cannot be changed. The ${pull.headRef} branch has been deleted.`,
      );
  }
  let baseSha: string | undefined;
  if (base !== undefined && base !== pull.baseRef) {
    if (issue.state === "closed" && !reopening)
      throw pullCustomError("Cannot change the base branch of a closed pull request.");
    baseSha = await branchSha(repo.gitDir, base);
    if (baseSha === undefined)
      throw validationFailed([{ resource: R, field: "base", code: "invalid" }]);
    if ((await countAhead(repo.gitDir, baseSha, pull.headSha)) === 0)
      throw pullCustomError(
        `There are no new commits between base branch '${base}' and head branch '${pull.headRef}'.`,
      );
  }

  const now = timestamp();
  const changes: Record<string, unknown> = {};
  if (title !== undefined && title !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = title;
  }
  if (text !== undefined && text !== issue.body) {
    changes.body = { from: issue.body ?? "" };
    issue.body = text;
  }
  if (base !== undefined && baseSha !== undefined) {
    changes.base = { ref: { from: pull.baseRef }, sha: { from: pull.baseSha } };
    pull.baseRef = base;
    pull.baseSha = baseSha;
  }
  if (canModify !== undefined) pull.maintainerCanModify = canModify;
  if (closing) {
    pull.baseSha = (await branchSha(repo.gitDir, pull.baseRef)) ?? pull.baseSha;
    Object.assign(issue, { state: "closed", closedAt: now, closedById: userId });
  }
  if (reopening) Object.assign(issue, { state: "open", closedAt: null, closedById: null });
  if (Object.keys(changes).length > 0 || closing || reopening || canModify !== undefined)
    issue.updatedAt = now;

  let facts = undefined;
  if (Object.keys(changes).length > 0)
    facts = await emitPullEvent(sandbox, pull, "edited", userId, principal, { changes });
  if (closing) facts = await emitPullEvent(sandbox, pull, "closed", userId, principal);
  if (reopening) facts = await emitPullEvent(sandbox, pull, "reopened", userId, principal);
  return {
    status: 200,
    body: pullRequest(sandbox, pull, facts ?? (await pullFacts(sandbox, pull))),
  };
}
