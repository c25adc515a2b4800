import type { Router } from "../http/router.ts";
import { registerActionsRoutes } from "./actions.ts";
import { registerAppRoutes } from "./apps.ts";
import { registerCheckRoutes } from "./checks.ts";
import { registerContentRoutes } from "./contents.ts";
import { registerDeliveryRoutes } from "./deliveries.ts";
import { registerIssueRoutes } from "./issues.ts";
import { registerMetaRoutes } from "./meta.ts";
import { registerPullRoutes } from "./pulls.ts";
import { registerRepoRoutes } from "./repos.ts";

/** Every REST route of the sandbox, one group per file. */
export function registerAllRoutes(router: Router): void {
  registerMetaRoutes(router);
  registerAppRoutes(router);
  registerRepoRoutes(router);
  registerContentRoutes(router);
  registerIssueRoutes(router);
  registerPullRoutes(router);
  registerCheckRoutes(router);
  registerActionsRoutes(router);
  registerDeliveryRoutes(router);
}
