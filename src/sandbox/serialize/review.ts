import type { Sandbox } from "../sandbox.ts";
import type { Review } from "../state/model.ts";
import { authorAssociation } from "./author-association.ts";
import { nodeId } from "./node-id.ts";
import { simpleUser } from "./user.ts";

function shape(sandbox: Sandbox, review: Review, webhook: boolean): Record<string, unknown> {
  const { store } = sandbox;
  const repo = store.repos.get(review.repoId)!;
  const name = `${store.ownerLogin(repo)}/${repo.name}`;
  const pullUrl = `${sandbox.apiUrl}/repos/${name}/pulls/${review.pullNumber}`;
  const html = `${sandbox.url}/${name}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  const user = store.users.get(review.userId);
  return {
    id: review.id,
    node_id: nodeId("PullRequestReview", review.id),
    user: user ? simpleUser(sandbox, user) : null,
    body: review.body,
    commit_id: review.commitId,
    // REST omits `submitted_at` on a pending review; webhooks send null.
    ...(review.submittedAt !== null || webhook ? { submitted_at: review.submittedAt } : {}),
    state: webhook ? review.state.toLowerCase() : review.state,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: authorAssociation(sandbox, repo, review.userId),
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
  };
}

/** GitHub's REST `pull-request-review`. */
export function pullRequestReview(sandbox: Sandbox, review: Review): Record<string, unknown> {
  return shape(sandbox, review, false);
}

/** The `review` of `pull_request_review` webhooks (lower-case `state`, webhook user). */
export function webhookReview(sandbox: Sandbox, review: Review): Record<string, unknown> {
  return shape(sandbox, review, true);
}
