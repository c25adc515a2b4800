import type { Sandbox } from "../sandbox.ts";
import type { App, Principal, Repo } from "../state/model.ts";

/**
 * The GitHub App a request acts for, as the owner of the check runs and suites it creates: an
 * installation token's app; for a workflow's GITHUB_TOKEN, the app whose bot the token acts
 * as, else the app installed on the repository's owner (the sandbox has no separate
 * "GitHub Actions" app). Undefined for users, anonymous callers and bare app JWTs.
 */
export function appForPrincipal(
  sandbox: Sandbox,
  principal: Principal,
  repo: Repo,
): App | undefined {
  const { store } = sandbox;
  if (principal.kind === "installation") {
    const installation = store.installations.get(principal.installationId);
    return installation ? store.apps.get(installation.appId) : undefined;
  }
  if (principal.kind !== "workflow") return undefined;
  for (const app of store.apps.values()) if (app.botUserId === principal.botUserId) return app;
  for (const installation of store.installations.values()) {
    if (installation.accountId !== repo.ownerId) continue;
    if (installation.repositories !== "all" && !installation.repositories.includes(repo.id))
      continue;
    return store.apps.get(installation.appId);
  }
  return undefined;
}
