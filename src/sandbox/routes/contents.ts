import type { Router } from "../http/router.ts";

/** Contents and git refs. */
export function registerContentRoutes(router: Router): void {
  void router;
}
