import type { Router } from "../http/router.ts";

/** Actions: workflows, runs, jobs, dispatch, re-run. */
export function registerActionsRoutes(router: Router): void {
  void router;
}
