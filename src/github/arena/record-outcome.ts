import type { LedgerRecord } from "../../core/ledger/ledger-record.ts";
import {
  attemptMarker,
  renderAttemptComment,
  type AttemptView,
} from "../../core/report/render-attempt.ts";
import { recordAttempt } from "../ledger-repo.ts";
import { editMarkedComment, upsertMarkedComment } from "../marked-comment.ts";
import type { ArenaScope } from "./scope.ts";
import { findTaskIssue, taskIssueNumber } from "./task-issue-lookup.ts";

/**
 * Where an attempt's comment goes: its pull request (IC), else the task issue (manager: the
 * `/select` was made there). One comment per attempt, edited in place as it progresses.
 */
export interface AttemptPlaces {
  repo: string;
  pullRequest?: number | undefined;
  /** The task issue, when the caller knows it already. */
  issueNumber?: number | undefined;
  /** The app's comment on the pull request, when the grading run named it (no lookup). */
  commentId?: number | undefined;
}

/** Writes (or edits) the attempt's one comment: on its pull request, else on the task issue. */
export async function showAttempt(
  scope: ArenaScope,
  places: AttemptPlaces,
  view: AttemptView,
): Promise<void> {
  const body = renderAttemptComment(view);
  const marker = attemptMarker(view.taskId, view.agent, view.attempt);
  const number =
    places.pullRequest ??
    places.issueNumber ??
    (await findTaskIssue(scope, places.repo, view.taskId))?.number;
  if (number === undefined) return;
  const target = {
    owner: scope.org,
    repo: places.repo,
    issueNumber: number,
    marker,
    author: scope.app.botLogin,
  };
  if (places.pullRequest !== undefined && places.commentId !== undefined)
    await editMarkedComment(scope.github, target, places.commentId, body);
  else await upsertMarkedComment(scope.github, target, body);
}

export interface RecordOutcome {
  /** False when the attempt was recorded before (a redelivery or a race): nothing new was paid. */
  created: boolean;
  record: LedgerRecord;
}

/**
 * The end of a decided attempt: the ledger entry (written once, whatever happens after),
 * then the comments, the pull request's label and, when paid, the closed issue. Everything
 * after the ledger write is idempotent, so a redelivery repairs what a crash left undone.
 */
export async function recordOutcome(
  scope: ArenaScope,
  places: AttemptPlaces,
  record: LedgerRecord,
  view: AttemptView,
): Promise<RecordOutcome> {
  const written = await recordAttempt(scope.github, scope.ledger, record);
  // The ledger decides: a second grading of a recorded attempt shows the recorded result.
  const kept = written.record;
  const shown: AttemptView = {
    ...view,
    state: "graded",
    verdict: kept.verdict === "pass" ? "pass" : "fail",
    payoutCents: kept.payout_cents,
    why: kept.why,
    testsPassed: kept.tests_passed,
    testsFailed: kept.tests_failed,
  };
  await showAttempt(scope, places, shown);
  const paid = kept.payout_cents > 0;
  if (places.pullRequest !== undefined) {
    await scope.github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner: scope.org,
      repo: places.repo,
      issue_number: places.pullRequest,
      labels: [paid ? "paid" : "unpaid"],
    });
  }
  const issueNumber =
    paid && scope.config.close_when_paid
      ? (places.issueNumber ?? (await taskIssueNumber(scope, places.repo, view.taskId)))
      : undefined;
  if (issueNumber !== undefined) {
    await scope.github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: scope.org,
      repo: places.repo,
      issue_number: issueNumber,
      state: "closed",
      state_reason: "completed",
    });
  }
  return { created: written.created, record: kept };
}
