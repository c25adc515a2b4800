import type { Router } from "../http/router.ts";

/** App hook deliveries: list, get, redeliver. */
export function registerDeliveryRoutes(router: Router): void {
  void router;
}
