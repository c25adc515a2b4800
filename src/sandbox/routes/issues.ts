import type { Router } from "../http/router.ts";

/** Issues, comments, labels, assignees, reactions. */
export function registerIssueRoutes(router: Router): void {
  void router;
}
