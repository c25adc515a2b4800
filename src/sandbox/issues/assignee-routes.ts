import { actingUserId } from "../auth/permissions.ts";
import { notFound } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import type { Router } from "../http/router.ts";
import { issue as serializeIssue } from "../serialize/issue.ts";
import { simpleUser } from "../serialize/user.ts";
import type { Issue, Repo } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { issueFor, mayTriage, readableRepo, refuseArchived } from "./access.ts";
import { assignableIds, assigneeLogins, isAssignable, MAX_ASSIGNEES } from "./assignees.ts";
import { emitAssigneeChanges } from "./events.ts";

/** The `assignees` of an add or remove request (required), as logins. */
function loginsOf(context: RequestContext): string[] {
  const body = bodyObject(context);
  field<unknown[]>(body, "assignees", "array", { resource: "Issue", required: true });
  return assigneeLogins(body.assignees);
}

/**
 * Sets an issue's assignees when the caller may triage (others are silently ignored, as GitHub
 * documents), with `assigned` / `unassigned` webhooks for the difference.
 */
function reassign(
  context: RequestContext,
  repo: Repo,
  issue: Issue,
  next: (current: number[]) => number[],
): void {
  if (!mayTriage(context, repo, issue)) return;
  refuseArchived(repo);
  const before = issue.assigneeIds;
  const after = next(before).slice(0, MAX_ASSIGNEES);
  if (after.join() === before.join()) return;
  issue.assigneeIds = after;
  issue.updatedAt = timestamp();
  emitAssigneeChanges(context.sandbox, repo, issue, before, actingUserId(context));
}

/** Adding and removing assignees; who can be assigned. */
export function registerAssigneeRoutes(router: Router): void {
  router.on("POST", "/repos/:owner/:repo/issues/:issue_number/assignees", (context) => {
    const repo = readableRepo(context);
    const issue = issueFor(context, repo);
    actingUserId(context);
    const added = assignableIds(context.sandbox.store, repo, loginsOf(context), false);
    reassign(context, repo, issue, (current) => [
      ...current,
      ...added.filter((id) => !current.includes(id)),
    ]);
    return { status: 201, body: serializeIssue(context.sandbox, repo, issue) };
  });

  router.on("DELETE", "/repos/:owner/:repo/issues/:issue_number/assignees", (context) => {
    const repo = readableRepo(context);
    const issue = issueFor(context, repo);
    actingUserId(context);
    const removed = loginsOf(context)
      .map((login) => context.sandbox.store.userByLogin(login)?.id)
      .filter((id) => id !== undefined);
    reassign(context, repo, issue, (current) => current.filter((id) => !removed.includes(id)));
    return { status: 200, body: serializeIssue(context.sandbox, repo, issue) };
  });

  router.on("GET", "/repos/:owner/:repo/assignees/:assignee", (context) => {
    const repo = readableRepo(context);
    const user = context.sandbox.store.userByLogin(context.params.assignee ?? "");
    if (!user || !isAssignable(context.sandbox.store, repo, user)) throw notFound();
    return { status: 204 };
  });

  router.on("GET", "/repos/:owner/:repo/assignees", (context) => {
    const { store } = context.sandbox;
    const repo = readableRepo(context);
    const people = [...store.users.values()]
      .filter((u) => isAssignable(store, repo, u))
      .sort((a, b) => a.login.localeCompare(b.login));
    return paginate(
      context,
      people.map((u) => simpleUser(context.sandbox, u)),
    );
  });
}
