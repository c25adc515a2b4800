import type { Router } from "../http/router.ts";
import { createPull } from "../pulls/create-pull.ts";
import { listenToPullIssues } from "../pulls/issue-listener.ts";
import { mergePull } from "../pulls/merge-pull.ts";
import {
  checkMerged,
  getPull,
  listPullCommits,
  listPullFiles,
  listPulls,
} from "../pulls/read-pulls.ts";
import { createReview, getReview, listReviews, submitReview } from "../pulls/reviews.ts";
import { updatePull } from "../pulls/update-pull.ts";

/** Pull requests, files, merge, reviews. */
export function registerPullRoutes(router: Router): void {
  const pulls = "/repos/:owner/:repo/pulls";
  router.on("GET", pulls, listPulls);
  router.on("POST", pulls, createPull);
  router.on("GET", `${pulls}/:pull_number`, getPull);
  router.on("PATCH", `${pulls}/:pull_number`, updatePull);
  router.on("GET", `${pulls}/:pull_number/files`, listPullFiles);
  router.on("GET", `${pulls}/:pull_number/commits`, listPullCommits);
  router.on("GET", `${pulls}/:pull_number/merge`, checkMerged);
  router.on("PUT", `${pulls}/:pull_number/merge`, mergePull);
  router.on("GET", `${pulls}/:pull_number/reviews`, listReviews);
  router.on("POST", `${pulls}/:pull_number/reviews`, createReview);
  router.on("GET", `${pulls}/:pull_number/reviews/:review_id`, getReview);
  router.on("POST", `${pulls}/:pull_number/reviews/:review_id/events`, submitReview);
  listenToPullIssues();
}
