import { onPullIssueChange, type IssueAction } from "../issues/events.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Issue, Repo } from "../state/model.ts";
import { emitPullEvent } from "./events.ts";

/**
 * When the issues API changes a pull request's issue (labels, assignees, title, state),
 * GitHub sends `pull_request` events instead of `issues` ones; this sends them. They go out
 * in the background (the pull request's git facts are read first), with no workflows, since
 * the issues side does not pass on who the caller was.
 */
function onIssueChange(
  sandbox: Sandbox,
  _repo: Repo,
  issue: Issue,
  action: IssueAction,
  fields: Record<string, unknown>,
  senderId: number,
): void {
  const pull =
    issue.pullRequestId === null ? undefined : sandbox.store.pulls.get(issue.pullRequestId);
  if (!pull) return;
  emitPullEvent(sandbox, pull, action, senderId, undefined, fields).catch((error: unknown) =>
    process.emitWarning(`sandbox: pull_request ${action} failed: ${(error as Error).message}`),
  );
}

/** Routes pull requests' issue changes to `pull_request` webhooks (once per process). */
export function listenToPullIssues(): void {
  onPullIssueChange(onIssueChange);
}
