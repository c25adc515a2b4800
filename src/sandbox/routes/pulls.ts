import type { Router } from "../http/router.ts";

/** Pull requests, files, merge, reviews. */
export function registerPullRoutes(router: Router): void {
  void router;
}
