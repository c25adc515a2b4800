import { actingUserId, holds, repoFor, userRole } from "../auth/permissions.ts";
import { ApiError, forbidden, notFound, requiresAuthentication } from "../http/api-error.ts";
import type { RequestContext } from "../http/context.ts";
import type { Issue, IssueComment, Repo } from "../state/model.ts";

/** The route's repository for reading issues: any caller that can see it. */
export function readableRepo(context: RequestContext): Repo {
  return repoFor(context, "metadata", "read");
}

/** The route's repository after checking the caller may triage issues (labels, assignees, anyone's state). */
export function triageRepo(context: RequestContext): Repo {
  return refuseArchived(repoFor(context, "issues", "write"));
}

/**
 * The route's repository for creating, editing and deleting its labels: on GitHub that takes
 * the write role for users (triage only applies labels); tokens need `issues: write`.
 */
export function labelAdminRepo(context: RequestContext): Repo {
  const repo = triageRepo(context);
  const p = context.principal;
  if (p.kind === "user") {
    const role = userRole(context.sandbox.store, p.userId, repo);
    if (role === "read" || role === "triage" || role === undefined)
      throw new ApiError(403, "Must have push access to repository.");
  }
  return repo;
}

/**
 * Whether the caller may triage the issue: users with triage or more, tokens with
 * `issues: write` (or `pull_requests: write` for a pull request's conversation).
 */
export function mayTriage(context: RequestContext, repo: Repo, issue?: Issue): boolean {
  const { store } = context.sandbox;
  if (holds(store, context.principal, repo, "issues", "write")) return true;
  return (
    context.principal.kind !== "user" &&
    issue?.pullRequestId != null &&
    holds(store, context.principal, repo, "pull_requests", "write")
  );
}

/** A repository that cannot take changes: GitHub answers 403 for archived ones. */
export function refuseArchived(repo: Repo): Repo {
  if (repo.archived) throw new ApiError(403, "Repository was archived so is read-only.");
  return repo;
}

/**
 * Checks the caller may take part in a repository's conversations (open issues, comment,
 * react): any signed-in user who can see it, as on GitHub; tokens need `issues: write`
 * (or `pull_requests: write` on a pull request). Returns the acting user's id.
 */
export function participate(context: RequestContext, repo: Repo, issue?: Issue): number {
  const userId = actingUserId(context);
  refuseArchived(repo);
  if (context.principal.kind !== "user" && !mayTriage(context, repo, issue)) throw forbidden();
  return userId;
}

/**
 * Checks the caller may edit something written by `authorId`: its author (a user), or
 * anyone who may triage. 403 otherwise, as GitHub answers.
 */
export function mayEditAuthored(
  context: RequestContext,
  repo: Repo,
  authorId: number,
  issue?: Issue,
): void {
  refuseArchived(repo);
  if (mayTriage(context, repo, issue)) return;
  const p = context.principal;
  if (p.kind === "user" && p.userId === authorId) return;
  throw p.kind === "user" ? new ApiError(403, "Must have push access to repository.") : forbidden();
}

/**
 * The route's repository and issue after checking the caller may triage that issue (a token
 * with only `pull_requests: write` may triage a pull request's conversation). 403 otherwise.
 */
export function triageIssue(context: RequestContext): { repo: Repo; issue: Issue } {
  const repo = readableRepo(context);
  const issue = issueFor(context, repo);
  if (!mayTriage(context, repo, issue)) {
    if (context.principal.kind === "anonymous") throw requiresAuthentication();
    throw context.principal.kind === "user"
      ? new ApiError(403, "Must have push access to repository.")
      : forbidden();
  }
  return { repo: refuseArchived(repo), issue };
}

/** The route's issue (`issue_number`), 404 when there is none; 410 when issues are off. */
export function issueFor(context: RequestContext, repo: Repo): Issue {
  const number = Number(context.params.issue_number);
  const found = Number.isInteger(number)
    ? context.sandbox.store.issueByNumber(repo.id, number)
    : undefined;
  if (!found) throw notFound();
  if (!repo.hasIssues && found.pullRequestId === null)
    throw new ApiError(410, "Issues are disabled for this repo");
  return found;
}

/** The route's issue comment (`comment_id`) in this repository, 404 when there is none. */
export function commentFor(context: RequestContext, repo: Repo): IssueComment {
  const id = Number(context.params.comment_id);
  const found = Number.isInteger(id) ? context.sandbox.store.comments.get(id) : undefined;
  if (!found || found.repoId !== repo.id) throw notFound();
  return found;
}
