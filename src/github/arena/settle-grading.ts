import type { LedgerRecord } from "../../core/ledger/ledger-record.ts";
import { computePayout } from "../../core/payout.ts";
import type { TaskFile } from "../../core/task/schema.ts";
import { readGradeMarker, type GradeFacts } from "../../core/report/render-grade.ts";
import type { AttemptView } from "../../core/report/render-attempt.ts";
import { readClaim, recordGradingError } from "../ledger-repo.ts";
import { unlessMissing } from "../rest.ts";
import { findOwnCheckRun } from "./check-runs.ts";
import { dispatchGrading, parseGradingRunName, type GradingRequest } from "./dispatch-grading.ts";
import { recordOutcome, showAttempt, type RecordOutcome } from "./record-outcome.ts";
import {
  deadlineHoursOf,
  deadlineOf,
  isAgent,
  isMirrorCandidate,
  maxAttemptsOf,
  type ArenaScope,
} from "./scope.ts";

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
  const check = await findOwnCheckRun(scope, request.repo, request.sha, task.id, request.attempt);
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
    graded_at: new Date().toISOString(),
  };
  const places = { repo: request.repo, pullRequest: request.pullRequest };

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

  const payout = computePayout(task.price_cents, facts.verdict, {
    attempt: request.attempt,
    maxAttempts,
    ...(await deadlineRule(scope, task, request)),
  });
  record.payout_cents = payout.cents ?? 0;
  if (!payout.paid) record.why = payout.why;
  const outcome = await recordOutcome(scope, places, record, view);
  return { action: "recorded", ...outcome };
}

/** When the attempt was submitted and its deadline, if the task has one. */
async function deadlineRule(
  scope: ArenaScope,
  task: TaskFile,
  request: GradingRequest,
): Promise<{ submittedAt?: Date; deadline?: Date }> {
  const hours = deadlineHoursOf(scope, task);
  if (hours === undefined) return {};
  const claim = await readClaim(scope.github, scope.ledger, task.id, request.agent);
  const found = await unlessMissing(
    scope.github.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: scope.org,
      repo: request.repo,
      pull_number: request.pullRequest,
    }),
  );
  if (!claim || !found) return {};
  return {
    submittedAt: new Date(found.data.created_at),
    deadline: deadlineOf(claim.claimed_at, hours),
  };
}

function skipped(why: string): SettleOutcome {
  return { action: "skipped", why };
}
