import type { Router } from "../http/router.ts";
import { registerAssigneeRoutes } from "../issues/assignee-routes.ts";
import { registerCommentRoutes } from "../issues/comment-routes.ts";
import { registerIssueCoreRoutes } from "../issues/issue-routes.ts";
import { registerLabelRoutes } from "../issues/label-routes.ts";
import { registerReactionRoutes } from "../issues/reaction-routes.ts";

/** Issues, comments, labels, assignees, reactions. */
export function registerIssueRoutes(router: Router): void {
  registerIssueCoreRoutes(router);
  registerCommentRoutes(router);
  registerLabelRoutes(router);
  registerAssigneeRoutes(router);
  registerReactionRoutes(router);
}
