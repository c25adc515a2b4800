import type { Sandbox } from "../sandbox.ts";
import type { Principal } from "../state/model.ts";

/**
 * The user a principal's actions are attributed to (installation and workflow tokens act as
 * the app's bot), or undefined for anonymous callers and bare app JWTs.
 */
export function principalUserId(sandbox: Sandbox, principal: Principal): number | undefined {
  switch (principal.kind) {
    case "user":
      return principal.userId;
    case "workflow":
      return principal.botUserId;
    case "installation": {
      const installation = sandbox.store.installations.get(principal.installationId);
      return installation ? sandbox.store.apps.get(installation.appId)?.botUserId : undefined;
    }
    default:
      return undefined;
  }
}
