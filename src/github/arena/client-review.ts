import type { ClientReview } from "../../core/ledger/entry.ts";
import type { MaintainerReview } from "../../core/ledger/client-review.ts";
import { listAll, unlessMissing } from "../rest.ts";
import type { ArenaScope } from "./scope.ts";

/** A review state as the REST API (upper case) or a webhook (lower case) gives it. */
export function clientReviewOf(state: string): ClientReview | undefined {
  const lower = state.toLowerCase();
  return lower === "approved" || lower === "changes_requested" ? lower : undefined;
}

/**
 * Whether `login` may maintain the mirror, as GitHub decides it: the role that
 * `GET /repos/{owner}/{repo}/collaborators/{username}/permission` reports is `maintain` or
 * `admin` (org owners included). The legacy `permission` field says `write` for maintainers,
 * so `role_name` is what counts.
 */
export async function isMirrorMaintainer(
  scope: ArenaScope,
  repo: string,
  login: string,
): Promise<boolean> {
  const answer = await unlessMissing(
    scope.github.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
      owner: scope.org,
      repo,
      username: login,
    }),
  );
  const role = (answer?.data as { role_name?: string } | undefined)?.role_name;
  return role === "maintain" || role === "admin";
}

interface ReviewLike {
  user: { login: string } | null;
  state: string;
  commit_id: string | null;
  submitted_at?: string | null;
}

/**
 * The latest review of the graded commit `sha` that approves or requests changes, by a
 * maintainer of the mirror; undefined when there is none. Each reviewer's permission is
 * asked once, latest reviews first, so most gradings (no review yet) cost one request.
 */
export async function latestMaintainerReview(
  scope: ArenaScope,
  repo: string,
  pullRequest: number,
  sha: string,
): Promise<MaintainerReview | undefined> {
  const reviews = await listAll<ReviewLike>(
    scope.github,
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    { owner: scope.org, repo, pull_number: pullRequest },
  );
  const asked = new Map<string, boolean>();
  for (const review of reviews.reverse()) {
    const state = clientReviewOf(review.state);
    const login = review.user?.login;
    if (!state || !login || review.commit_id !== sha || !review.submitted_at) continue;
    if (!asked.has(login)) asked.set(login, await isMirrorMaintainer(scope, repo, login));
    if (asked.get(login)) return { state, reviewer: login, submittedAt: review.submitted_at };
  }
  return undefined;
}
