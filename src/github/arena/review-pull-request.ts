import { afterReview } from "../../core/ledger/client-review.ts";
import type { AttemptView } from "../../core/report/render-attempt.ts";
import { updateAttempt } from "../ledger-repo.ts";
import { statusOf } from "../rest.ts";
import { clientReviewOf, isMirrorMaintainer } from "./client-review.ts";
import { showAttempt } from "./record-outcome.ts";
import { isAgent, isMirrorCandidate, maxAttemptsOf, type ArenaScope } from "./scope.ts";
import { attemptOfPull } from "./submit-pull-request.ts";
import { taskIssueNumber } from "./task-issue-lookup.ts";

/** The facts of a `pull_request_review` `submitted` event the arena acts on. */
export interface ReviewFacts {
  owner: string;
  repo: string;
  pullRequest: number;
  /** The pull request's author (the agent) and the reviewer. */
  author: string;
  reviewer: string;
  /** `approved`, `changes_requested`, `commented`… */
  state: string;
  commitId: string | null;
  submittedAt: string | null;
}

export type ReviewOutcome =
  { action: "skipped"; why: string } | { action: "recorded"; paid: boolean };

/**
 * A maintainer of a mirror approved or asked for changes on an attempt's pull request: the
 * review is recorded beside the test grade (latest review wins). Under
 * `payout: tests-and-review` an approval of the graded commit pays a pass that awaits it,
 * once. An attempt not graded yet is left alone: its grading reads the reviews itself.
 */
export async function reviewPullRequest(
  scope: ArenaScope,
  facts: ReviewFacts,
): Promise<ReviewOutcome> {
  const state = clientReviewOf(facts.state);
  if (!state) return skipped(`a ${facts.state} review is not a verdict`);
  if (!isMirrorCandidate(scope, facts.owner, facts.repo)) return skipped("not a task mirror");
  if (!isAgent(scope, facts.author)) return skipped(`${facts.author} is not an agent`);
  if (!facts.commitId || !facts.submittedAt) return skipped("the review names no commit");
  const task = await scope.readTask(facts.repo);
  if (!task || task.kind !== "ic") return skipped(`${facts.repo} is not an IC task`);
  if (!(await isMirrorMaintainer(scope, facts.repo, facts.reviewer)))
    return skipped(`${facts.reviewer} does not maintain ${facts.repo}`);
  const attempt = await attemptOfPull(scope, {
    owner: facts.owner,
    repo: facts.repo,
    number: facts.pullRequest,
    author: facts.author,
  });
  const review = { state, reviewer: facts.reviewer, submittedAt: facts.submittedAt };
  const key = { task_id: task.id, agent: facts.author, attempt };
  const updated = await updateAttempt(
    scope.github,
    scope.ledger,
    key,
    (record) =>
      record.pull_request === facts.pullRequest && record.head_sha === facts.commitId
        ? afterReview(record, review, scope.now().toISOString())
        : undefined,
    `Client review (${state}) of ${facts.author} on ${task.id} attempt ${attempt}`,
  );
  if (!updated) return skipped(`attempt ${attempt} is not graded yet`);
  if (!updated.changed) return skipped("the review changes nothing recorded");
  const record = updated.record;
  const paid = record.payout_cents > 0 && record.paid_at !== undefined;
  const view: AttemptView = {
    taskId: task.id,
    kind: task.kind,
    priceCents: task.price_cents,
    agent: facts.author,
    attempt,
    maxAttempts: maxAttemptsOf(scope, task),
    submission: `pull request #${facts.pullRequest} at ${facts.commitId.slice(0, 7)}`,
    state: "graded",
    verdict: record.verdict === "pass" ? "pass" : "fail",
    payoutCents: record.payout_cents,
    why: record.why ?? `${state.replace("_", " ")} by @${facts.reviewer}`,
    testsPassed: record.tests_passed,
    testsFailed: record.tests_failed,
  };
  await showAttempt(scope, { repo: facts.repo, pullRequest: facts.pullRequest }, view);
  if (paid) await markPaid(scope, facts.repo, facts.pullRequest, task.id);
  return { action: "recorded", paid };
}

/** The labels and issue of an attempt paid on approval: `paid` for `unpaid`, issue closed. */
async function markPaid(scope: ArenaScope, repo: string, pull: number, taskId: string) {
  const where = { owner: scope.org, repo, issue_number: pull };
  await scope.github
    .request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
      ...where,
      name: "unpaid",
    })
    .catch((error: unknown) => {
      if (statusOf(error) !== 404) throw error;
    });
  await scope.github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
    ...where,
    labels: ["paid"],
  });
  if (!scope.config.close_when_paid) return;
  const issueNumber = await taskIssueNumber(scope, repo, taskId);
  if (issueNumber !== undefined)
    await scope.github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: scope.org,
      repo,
      issue_number: issueNumber,
      state: "closed",
      state_reason: "completed",
    });
}

function skipped(why: string): ReviewOutcome {
  return { action: "skipped", why };
}
