import type { Sandbox } from "../sandbox.ts";
import type { Org, User } from "../state/model.ts";
import { nodeId } from "./node-id.ts";

/** GitHub's `simple-user`. */
export function simpleUser(sandbox: Sandbox, user: User | Org): Record<string, unknown> {
  const isOrg = "members" in user;
  const login = user.login;
  // A bot's login (`lancer[bot]`) is escaped in URLs, and its page is its app's, as on GitHub.
  const api = `${sandbox.apiUrl}/users/${encodeURIComponent(login)}`;
  const isBot = !isOrg && user.type === "Bot";
  return {
    login,
    id: user.id,
    node_id: nodeId(isOrg ? "Organization" : user.type === "Bot" ? "Bot" : "User", user.id),
    avatar_url: `${sandbox.url}/avatars/u/${user.id}`,
    gravatar_id: "",
    url: api,
    html_url: isBot
      ? `${sandbox.url}/apps/${login.replace(/\[bot\]$/, "")}`
      : `${sandbox.url}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: isOrg ? "Organization" : user.type,
    site_admin: isOrg ? false : user.siteAdmin,
  };
}

/** GitHub's `organization-simple` (the `organization` of webhook payloads). */
export function simpleOrg(sandbox: Sandbox, org: Org): Record<string, unknown> {
  const api = `${sandbox.apiUrl}/orgs/${org.login}`;
  return {
    login: org.login,
    id: org.id,
    node_id: nodeId("Organization", org.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `${sandbox.url}/avatars/u/${org.id}`,
    description: org.description,
  };
}
