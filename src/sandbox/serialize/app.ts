import type { Sandbox } from "../sandbox.ts";
import type { App, Installation } from "../state/model.ts";
import { nodeId } from "./node-id.ts";
import { simpleUser } from "./user.ts";

/** GitHub's `integration` (a GitHub App). */
export function integration(sandbox: Sandbox, app: App): Record<string, unknown> {
  const owner = sandbox.store.orgs.get(app.ownerId) ?? sandbox.store.users.get(app.ownerId)!;
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("Integration", app.id),
    client_id: app.clientId,
    owner: simpleUser(sandbox, owner),
    name: app.name,
    description: "Lancer's GitHub App in the sandbox",
    external_url: `${sandbox.url}/apps/${app.slug}`,
    html_url: `${sandbox.url}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: app.permissions,
    events: app.events,
    installations_count: [...sandbox.store.installations.values()].filter((i) => i.appId === app.id)
      .length,
  };
}

/** GitHub's `installation`. */
export function installation(sandbox: Sandbox, inst: Installation): Record<string, unknown> {
  const { store } = sandbox;
  const account = store.orgs.get(inst.accountId) ?? store.users.get(inst.accountId)!;
  const app = store.apps.get(inst.appId)!;
  return {
    id: inst.id,
    account: simpleUser(sandbox, account),
    repository_selection: inst.repositories === "all" ? "all" : "selected",
    access_tokens_url: `${sandbox.apiUrl}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${sandbox.apiUrl}/installation/repositories`,
    html_url: `${sandbox.url}/organizations/${account.login}/settings/installations/${inst.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: account.id,
    target_type: "members" in account ? "Organization" : "User",
    permissions: inst.permissions,
    events: inst.events,
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}
