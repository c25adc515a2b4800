import type { Router } from "../http/router.ts";

/** Check runs and check suites. */
export function registerCheckRoutes(router: Router): void {
  void router;
}
