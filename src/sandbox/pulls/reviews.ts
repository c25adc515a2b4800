import { actingUserId, repoFor } from "../auth/permissions.ts";
import { notFound, validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import { emitRepoEvent, type Sandbox } from "../sandbox.ts";
import { webhookSimplePullRequest } from "../serialize/pull.ts";
import { pullRequestReview, webhookReview } from "../serialize/review.ts";
import type { PullRequest, Repo, Review } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { simpleErrors, UnprocessableError } from "./errors.ts";
import { commitExists } from "./git-read.ts";
import { findPull, pullWriteLevel } from "./lookup.ts";

const R = "PullRequestReview";
const STATES: Record<string, Review["state"]> = {
  APPROVE: "APPROVED",
  REQUEST_CHANGES: "CHANGES_REQUESTED",
  COMMENT: "COMMENTED",
};

/** GitHub's 422 for reviews: `Unprocessable Entity` with plain-string `errors`. */
const refused = (message: string) => new UnprocessableError([message], "Unprocessable Entity");

/** Reads and checks the `event` and `body` of a review submission. */
function submission(
  body: Record<string, unknown>,
  authorId: number,
  userId: number,
  required: boolean,
): { state: Review["state"]; text: string | undefined } {
  const event = field<string>(body, "event", "string", { resource: R, required });
  const text = field<string>(body, "body", "string", { resource: R });
  if (event !== undefined && !(event in STATES))
    throw validationFailed([{ resource: R, field: "event", code: "invalid" }]);
  const state = event === undefined ? "PENDING" : STATES[event]!;
  if (authorId === userId && state === "APPROVED")
    throw refused("Can not approve your own pull request");
  if (authorId === userId && state === "CHANGES_REQUESTED")
    throw refused("Can not request changes on your own pull request");
  if ((state === "CHANGES_REQUESTED" || state === "COMMENTED") && !text?.trim())
    throw refused(`Body is required when using ${event} for the event parameter`);
  return { state, text };
}

function emitSubmitted(sandbox: Sandbox, repo: Repo, pull: PullRequest, review: Review): void {
  emitRepoEvent(
    sandbox,
    repo,
    "pull_request_review",
    "submitted",
    {
      review: webhookReview(sandbox, review),
      pull_request: webhookSimplePullRequest(sandbox, pull),
    },
    review.userId,
  );
}

/**
 * `POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews`: approve, request changes or
 * comment (or leave a pending review without `event`). Authors cannot approve or request
 * changes on their own pull request. Sends `pull_request_review` `submitted`.
 */
export async function createReview(context: RequestContext): Promise<Reply> {
  const { sandbox } = context;
  const repo = repoFor(context, "pull_requests", pullWriteLevel(context));
  const { pull, issue } = findPull(context, repo);
  const userId = actingUserId(context);
  let commitId: string | undefined;
  let submitted: ReturnType<typeof submission>;
  try {
    const body = bodyObject(context);
    commitId = field<string>(body, "commit_id", "string", { resource: R });
    field<unknown[]>(body, "comments", "array", { resource: R });
    submitted = submission(body, issue.userId, userId, false);
    if (commitId !== undefined && !(await commitExists(repo.gitDir, commitId)))
      throw validationFailed([{ resource: R, field: "commit_id", code: "invalid" }]);
  } catch (error) {
    throw simpleErrors(error);
  }
  const { state, text } = submitted;
  const pending = [...sandbox.store.reviews.values()].some(
    (r) =>
      r.repoId === repo.id &&
      r.pullNumber === pull.number &&
      r.userId === userId &&
      r.state === "PENDING",
  );
  if (state === "PENDING" && pending)
    throw refused("User can only have one pending review per pull request");
  const review: Review = {
    id: sandbox.store.nextId(),
    repoId: repo.id,
    pullNumber: pull.number,
    userId,
    body: text ?? "",
    state,
    commitId: commitId ?? pull.headSha,
    submittedAt: state === "PENDING" ? null : timestamp(),
  };
  sandbox.store.reviews.set(review.id, review);
  if (state !== "PENDING") emitSubmitted(sandbox, repo, pull, review);
  return { status: 200, body: pullRequestReview(sandbox, review) };
}

/** The review named by the route's `review_id` on the route's pull request, or 404. */
function findReview(context: RequestContext, repo: Repo, pull: PullRequest): Review {
  const review = context.sandbox.store.reviews.get(Number(context.params.review_id));
  const hidden = review?.state === "PENDING" && review.userId !== viewerId(context);
  if (!review || hidden || review.repoId !== repo.id || review.pullNumber !== pull.number)
    throw notFound();
  return review;
}

function viewerId(context: RequestContext): number | undefined {
  return context.principal.kind === "anonymous" || context.principal.kind === "app"
    ? undefined
    : actingUserId(context);
}

/** `GET .../pulls/{pull_number}/reviews`: oldest first; pending reviews only to their author. */
export function listReviews(context: RequestContext): Reply {
  const repo = repoFor(context, "pull_requests", "read");
  const { pull } = findPull(context, repo);
  const viewer = viewerId(context);
  const reviews = [...context.sandbox.store.reviews.values()]
    .filter((r) => r.repoId === repo.id && r.pullNumber === pull.number)
    .filter((r) => r.state !== "PENDING" || r.userId === viewer)
    .sort((a, b) => a.id - b.id);
  return paginate(
    context,
    reviews.map((r) => pullRequestReview(context.sandbox, r)),
  );
}

/** `GET .../pulls/{pull_number}/reviews/{review_id}`. */
export function getReview(context: RequestContext): Reply {
  const repo = repoFor(context, "pull_requests", "read");
  const { pull } = findPull(context, repo);
  return { status: 200, body: pullRequestReview(context.sandbox, findReview(context, repo, pull)) };
}

/** `POST .../reviews/{review_id}/events`: submits a pending review. */
export function submitReview(context: RequestContext): Reply {
  const { sandbox } = context;
  const repo = repoFor(context, "pull_requests", pullWriteLevel(context));
  const { pull, issue } = findPull(context, repo);
  const review = findReview(context, repo, pull);
  const userId = actingUserId(context);
  if (review.userId !== userId) throw notFound();
  if (review.state !== "PENDING") throw refused("Can not submit a review that is not pending");
  let submitted: ReturnType<typeof submission>;
  try {
    submitted = submission(bodyObject(context), issue.userId, userId, true);
  } catch (error) {
    throw simpleErrors(error);
  }
  const { state, text } = submitted;
  Object.assign(review, { state, body: text ?? review.body, submittedAt: timestamp() });
  emitSubmitted(sandbox, repo, pull, review);
  return { status: 200, body: pullRequestReview(sandbox, review) };
}
