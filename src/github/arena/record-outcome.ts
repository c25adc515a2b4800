import type { LedgerRecord } from "../../core/ledger/ledger-record.ts";
import {
  attemptMarker,
  renderAttemptComment,
  type AttemptView,
} from "../../core/report/render-attempt.ts";
import { recordAttempt } from "../ledger-repo.ts";
import { upsertMarkedComment } from "../marked-comment.ts";
import type { ArenaScope } from "./scope.ts";
import { findTaskIssue } from "./task-issue-lookup.ts";

/** Where an attempt's comment goes: its pull request (IC) and the task issue. */
export interface AttemptPlaces {
  repo: string;
  pullRequest?: number | undefined;
  /** The task issue, when the caller knows it already. */
  issueNumber?: number | undefined;
}

/** Writes (or edits) the attempt's comment on each of its places. */
export async function showAttempt(
  scope: ArenaScope,
  places: AttemptPlaces,
  view: AttemptView,
): Promise<{ issueNumber: number | undefined }> {
  const issueNumber =
    places.issueNumber ?? (await findTaskIssue(scope, places.repo, view.taskId))?.number;
  const body = renderAttemptComment(view);
  const marker = attemptMarker(view.taskId, view.agent, view.attempt);
  for (const number of [places.pullRequest, issueNumber]) {
    if (number === undefined) continue;
    await upsertMarkedComment(
      scope.github,
      {
        owner: scope.org,
        repo: places.repo,
        issueNumber: number,
        marker,
        author: scope.app.botLogin,
      },
      body,
    );
  }
  return { issueNumber };
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
  const { issueNumber } = await showAttempt(scope, places, shown);
  const paid = kept.payout_cents > 0;
  if (places.pullRequest !== undefined) {
    await scope.github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner: scope.org,
      repo: places.repo,
      issue_number: places.pullRequest,
      labels: [paid ? "paid" : "unpaid"],
    });
  }
  if (paid && scope.config.close_when_paid && issueNumber !== undefined) {
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
