import type { LedgerRecord } from "../../core/ledger/ledger-record.ts";
import { computePayout } from "../../core/payout.ts";
import { readGradeMarker, type GradeFacts } from "../../core/report/render-grade.ts";
import type { AttemptView } from "../../core/report/render-attempt.ts";
import { recordGradingError } from "../ledger-repo.ts";
import { findOwnCheckRun } from "./check-runs.ts";
import { firstRecord } from "../../core/ledger/client-review.ts";
import { latestMaintainerReview } from "./client-review.ts";
import { labelLate, taskDeadline } from "./deadline.ts";
import { dispatchGrading, parseGradingRunName } from "./dispatch-grading.ts";
import { recordOutcome, showAttempt, type RecordOutcome } from "./record-outcome.ts";
import { isAgent, isMirrorCandidate, maxAttemptsOf, type ArenaScope } from "./scope.ts";

/** The facts of a completed `workflow_run` the arena looks at. */
export interface WorkflowRunFacts {
  id: number;
  /** `.github/workflows/grade.yml` */
  path: string;
  event: string;
  headBranch: string | null;
  displayTitle: string;
  htmlUrl: string;
  /** `owner/name` of the repository the run belongs to, and its default branch. */
  repository: string;
  defaultBranch: string;
}

/** What a check run that is missing, unfinished or without a readable grade says: nothing. */
const NO_GRADE: GradeFacts = {
  verdict: "error",
  reason: "harness-error",
  tests_passed: 0,
  tests_failed: 0,
};

export type SettleOutcome =
  | { action: "skipped"; why: string }
  | { action: "retried"; errors: number }
  | { action: "error"; errors: number }
  | ({ action: "recorded" } & RecordOutcome);

/**
 * A grading run finished: trust it only if it is the grader workflow of this org's grader
 * repository, run from its default branch; read the verdict from this app's check run on the
 * graded commit, the price from the grader repository, and record the outcome once.
 */
export async function settleGrading(
  scope: ArenaScope,
  run: WorkflowRunFacts,
): Promise<SettleOutcome> {
  if (run.repository !== `${scope.grader.owner}/${scope.grader.repo}`)
    return skipped("not the grader repository");
  if (run.path !== `.github/workflows/${scope.config.workflow}`)
    return skipped(`not the grader workflow (${run.path})`);
  if (run.event !== "workflow_dispatch" || run.headBranch !== run.defaultBranch)
    return skipped(`not a dispatch on ${run.defaultBranch} (${run.event} on ${run.headBranch})`);
  const request = parseGradingRunName(run.displayTitle);
  if (!request) return skipped(`not a grading run: "${run.displayTitle}"`);
  if (!isMirrorCandidate(scope, request.owner, request.repo))
    return skipped(`${request.owner}/${request.repo} is not a mirror of ${scope.org}`);
  const task = await scope.readTask(request.taskId);
  if (!task || task.id !== request.repo)
    return skipped(`${request.taskId} is not this mirror's task`);

  // The run names the agent (the app dispatched it); only agents are paid, whoever dispatched.
  const agent = request.agent;
  if (!isAgent(scope, agent)) return skipped(`${agent} is not an agent of this arena`);
  const check = await findOwnCheckRun(
    scope,
    request.repo,
    request.sha,
    task.id,
    request.attempt,
    request.checkRunId,
  );
  const facts =
    (check?.status === "completed" ? readGradeMarker(check.output.summary) : undefined) ?? NO_GRADE;

  const maxAttempts = maxAttemptsOf(scope, task);
  const view: AttemptView = {
    taskId: task.id,
    kind: task.kind,
    priceCents: task.price_cents,
    agent,
    attempt: request.attempt,
    maxAttempts,
    submission: `pull request #${request.pullRequest} at ${request.sha.slice(0, 7)}`,
    state: "grading",
    reason: facts.reason,
    tables: check?.output.text ?? undefined,
    checkUrl: check?.html_url ?? undefined,
  };
  const record: LedgerRecord = {
    schema: 1,
    task_id: task.id,
    kind: task.kind,
    agent,
    attempt: request.attempt,
    verdict: facts.verdict,
    price_cents: task.price_cents,
    payout_cents: 0,
    repository: `${scope.org}/${request.repo}`,
    pull_request: request.pullRequest,
    head_sha: request.sha,
    tests_passed: facts.tests_passed,
    tests_failed: facts.tests_failed,
    ...(check?.html_url ? { check_run_url: check.html_url } : {}),
    workflow_run_url: run.htmlUrl,
    graded_at: scope.now().toISOString(),
  };
  const places = {
    repo: request.repo,
    pullRequest: request.pullRequest,
    commentId: request.commentId,
  };

  if (facts.verdict === "error") {
    record.why = !check
      ? "the grading left no check run"
      : check.status !== "completed"
        ? `the check run is still ${check.status}`
        : (check.output.title ?? facts.reason);
    const max = scope.config.grading.error_retries;
    const errored = await recordGradingError(scope.github, scope.ledger, record, run.id);
    const retry = errored.created && errored.errors <= max;
    await showAttempt(scope, places, {
      ...view,
      state: "error",
      why: record.why,
      retries: { done: errored.errors, max },
    });
    if (retry) await dispatchGrading(scope, request);
    return { action: retry ? "retried" : "error", errors: errored.errors };
  }

  // Graded: when the app decides, by its clock. After the deadline nothing is paid.
  const deadline = await taskDeadline(scope, task, request.repo);
  const gradedAt = scope.now();
  record.graded_at = gradedAt.toISOString();
  const late = deadline !== undefined && gradedAt > deadline;
  if (deadline) view.deadline = deadline.toISOString();
  const payout = computePayout(task.price_cents, facts.verdict, {
    attempt: request.attempt,
    maxAttempts,
  });
  record.payout_cents = payout.cents ?? 0;
  if (!payout.paid) record.why = payout.why;
  if (late) {
    record.payout_cents = 0;
    record.why = `graded after the deadline ${deadline.toISOString()}`;
  }
  const review = await latestMaintainerReview(
    scope,
    request.repo,
    request.pullRequest,
    request.sha,
  );
  const first = firstRecord(record, scope.config.payout, review);
  const outcome = await recordOutcome(scope, places, first, view);
  if (late) await labelLate(scope, request.repo, request.pullRequest);
  return { action: "recorded", ...outcome };
}

function skipped(why: string): SettleOutcome {
  return { action: "skipped", why };
}
