import type { getOctokit } from "@actions/github";
import type { GradeDocument } from "../core/grade/grade-document.ts";
import { upsertMarkedComment } from "./marked-comment.ts";
import { checkOutput, payoutComment, payoutCommentMarker } from "../core/report/render-grade.ts";

type Octokit = ReturnType<typeof getOctokit>;

export const CHECK_NAME = "Lancer";

/** GitHub's limit on a check run's summary and text. */
const MAX_CHECK_TEXT = 65_000;

/** The id that ties a check run to one attempt at one task (the app creates it queued). */
export function checkExternalId(taskId: string, attempt: number): string {
  return `lancer:${taskId}:${attempt}`;
}

export interface CheckTarget {
  owner: string;
  repo: string;
  sha: string;
  taskId: string;
  attempt: number;
  detailsUrl: string | undefined;
  /** The check run the app queued, when the workflow was told (no lookup needed then). */
  checkRunId?: number | undefined;
}

/**
 * Completes the `Lancer` check run of this attempt on the candidate's head: the one the app
 * queued (given by id, else found by its external id) when there is one, else a new one.
 * Returns its URL.
 */
export async function completeCheckRun(
  octokit: Octokit,
  target: CheckTarget,
  doc: GradeDocument,
  priceCents: number | undefined,
): Promise<string> {
  const output = checkOutput(doc, priceCents);
  const externalId = checkExternalId(target.taskId, target.attempt);
  const existingId = target.checkRunId ?? (await findByExternalId(octokit, target, externalId));
  const body = {
    owner: target.owner,
    repo: target.repo,
    status: "completed" as const,
    conclusion: output.conclusion,
    completed_at: new Date().toISOString(),
    external_id: externalId,
    ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
    output: {
      title: output.title,
      summary: output.summary.slice(0, MAX_CHECK_TEXT),
      text: output.text.slice(0, MAX_CHECK_TEXT),
    },
  };
  const response = existingId
    ? await octokit.rest.checks.update({ ...body, check_run_id: existingId })
    : await octokit.rest.checks.create({ ...body, name: CHECK_NAME, head_sha: target.sha });
  // An id given by the dispatcher must name this attempt's check run on this commit.
  if (response.data.head_sha !== target.sha || response.data.name !== CHECK_NAME)
    throw new Error(
      `input 'check-run-id': check run ${existingId} is not the ${CHECK_NAME} check run of ${target.sha}`,
    );
  return response.data.html_url ?? "";
}

async function findByExternalId(
  octokit: Octokit,
  target: CheckTarget,
  externalId: string,
): Promise<number | undefined> {
  const { data } = await octokit.rest.checks.listForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.sha,
    check_name: CHECK_NAME,
    filter: "all",
    per_page: 100,
  });
  return data.check_runs.find((run) => run.external_id === externalId)?.id;
}

/** Posts the payout comment on a pull request, or edits the one an earlier report posted. */
export async function upsertPayoutComment(
  octokit: Octokit,
  target: { owner: string; repo: string; pullRequest: number; attempt: number },
  doc: GradeDocument,
  priceCents: number | undefined,
  checkUrl: string | undefined,
): Promise<void> {
  await upsertMarkedComment(
    octokit,
    {
      owner: target.owner,
      repo: target.repo,
      issueNumber: target.pullRequest,
      marker: payoutCommentMarker(doc.task_id, target.attempt),
    },
    payoutComment(doc, priceCents, target.attempt, checkUrl),
  );
}
