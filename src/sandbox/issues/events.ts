import { emitRepoEvent, type Sandbox } from "../sandbox.ts";
import { webhookIssue } from "../serialize/issue.ts";
import { issueComment } from "../serialize/issue-comment.ts";
import { label } from "../serialize/label.ts";
import { simpleUser } from "../serialize/user.ts";
import type { Issue, IssueComment, Repo } from "../state/model.ts";

/** The `issues` actions the sandbox sends. */
export type IssueAction =
  "opened" | "edited" | "closed" | "reopened" | "labeled" | "unlabeled" | "assigned" | "unassigned";

/**
 * Called instead of an `issues` webhook when the issue is a pull request's conversation
 * (GitHub then sends `pull_request` events: `labeled`, `assigned`, `closed`, `edited`…).
 * `fields` holds the extra fields (`label`, `assignee`, `changes`) as the issue event had them.
 */
export type PullIssueListener = (
  sandbox: Sandbox,
  repo: Repo,
  issue: Issue,
  action: IssueAction,
  fields: Record<string, unknown>,
  senderId: number,
) => void;

let pullIssueListener: PullIssueListener | undefined;

/** Lets the pull request side send its own events when a pull request's issue changes here. */
export function onPullIssueChange(listener: PullIssueListener | undefined): void {
  pullIssueListener = listener;
}

/** Sends one `issues` webhook (or hands a pull request's change to the pull request side). */
export function emitIssueEvent(
  sandbox: Sandbox,
  repo: Repo,
  issue: Issue,
  action: IssueAction,
  senderId: number,
  fields: Record<string, unknown> = {},
): void {
  if (issue.pullRequestId !== null) {
    pullIssueListener?.(sandbox, repo, issue, action, fields, senderId);
    return;
  }
  emitRepoEvent(
    sandbox,
    repo,
    "issues",
    action,
    { issue: webhookIssue(sandbox, repo, issue), ...fields },
    senderId,
  );
}

/** `labeled` / `unlabeled` for each label that came or went, compared with `beforeIds`. */
export function emitLabelChanges(
  sandbox: Sandbox,
  repo: Repo,
  issue: Issue,
  beforeIds: readonly number[],
  senderId: number,
): void {
  const { labels } = sandbox.store;
  for (const id of beforeIds.filter((id) => !issue.labelIds.includes(id))) {
    const gone = labels.get(id);
    if (gone)
      emitIssueEvent(sandbox, repo, issue, "unlabeled", senderId, {
        label: label(sandbox, repo, gone),
      });
  }
  for (const id of issue.labelIds.filter((id) => !beforeIds.includes(id)))
    emitIssueEvent(sandbox, repo, issue, "labeled", senderId, {
      label: label(sandbox, repo, labels.get(id)!),
    });
}

/** `assigned` / `unassigned` for each assignee who came or went, compared with `beforeIds`. */
export function emitAssigneeChanges(
  sandbox: Sandbox,
  repo: Repo,
  issue: Issue,
  beforeIds: readonly number[],
  senderId: number,
): void {
  const { users } = sandbox.store;
  const person = (id: number) => {
    const user = users.get(id);
    return user ? simpleUser(sandbox, user) : null;
  };
  for (const id of beforeIds.filter((id) => !issue.assigneeIds.includes(id)))
    emitIssueEvent(sandbox, repo, issue, "unassigned", senderId, { assignee: person(id) });
  for (const id of issue.assigneeIds.filter((id) => !beforeIds.includes(id)))
    emitIssueEvent(sandbox, repo, issue, "assigned", senderId, { assignee: person(id) });
}

/** Sends one `issue_comment` webhook (pull request conversations included, as on GitHub). */
export function emitCommentEvent(
  sandbox: Sandbox,
  repo: Repo,
  issue: Issue,
  comment: IssueComment,
  action: "created" | "edited" | "deleted",
  senderId: number,
  changes?: { body: { from: string } },
): void {
  emitRepoEvent(
    sandbox,
    repo,
    "issue_comment",
    action,
    {
      ...(changes ? { changes } : {}),
      issue: webhookIssue(sandbox, repo, issue),
      comment: issueComment(sandbox, repo, comment),
    },
    senderId,
  );
}
