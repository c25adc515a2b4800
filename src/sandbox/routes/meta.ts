import { rateLimitKey } from "../auth/resolve-principal.ts";
import type { Router } from "../http/router.ts";
import { notFound, requiresAuthentication } from "../http/api-error.ts";
import { simpleOrg, simpleUser } from "../serialize/user.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Org, User } from "../state/model.ts";

/** GitHub's `organization-full`: the simple organization and its profile and counts. */
function organizationFull(sandbox: Sandbox, org: Org): Record<string, unknown> {
  const repos = [...sandbox.store.repos.values()].filter((r) => r.ownerId === org.id);
  return {
    ...simpleOrg(sandbox, org),
    name: org.login,
    html_url: `${sandbox.url}/${org.login}`,
    has_organization_projects: false,
    has_repository_projects: false,
    public_repos: repos.filter((r) => !r.private).length,
    public_gists: 0,
    followers: 0,
    following: 0,
    type: "Organization",
    created_at: org.createdAt,
    updated_at: org.createdAt,
    archived_at: null,
  };
}

/** A user's (or an org's) profile as `GET /user` and `GET /users/{username}` answer it. */
function publicProfile(sandbox: Sandbox, account: User | Org): Record<string, unknown> {
  return {
    ...simpleUser(sandbox, account),
    name: "name" in account ? account.name : account.login,
    company: null,
    blog: "",
    location: null,
    email: "email" in account ? account.email : null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: account.createdAt,
    updated_at: account.createdAt,
  };
}

/** Identity and housekeeping: the caller, users, orgs, rate limits. */
export function registerMetaRoutes(router: Router): void {
  router.on("GET", "/rate_limit", (context) => {
    const core = context.sandbox.limiter.status(rateLimitKey(context.headers));
    const search = { limit: 30, used: 0, remaining: 30, reset: core.reset };
    return { status: 200, body: { resources: { core, search }, rate: core } };
  });

  router.on("GET", "/user", (context) => {
    if (context.principal.kind !== "user") throw requiresAuthentication();
    const user = context.sandbox.store.users.get(context.principal.userId)!;
    return { status: 200, body: publicProfile(context.sandbox, user) };
  });

  router.on("GET", "/users/:username", (context) => {
    const { store } = context.sandbox;
    const login = context.params.username ?? "";
    const account = store.userByLogin(login) ?? store.orgByLogin(login);
    if (!account) throw notFound();
    return { status: 200, body: publicProfile(context.sandbox, account) };
  });

  router.on("GET", "/orgs/:org", (context) => {
    const org = context.sandbox.store.orgByLogin(context.params.org ?? "");
    if (!org) throw notFound();
    return { status: 200, body: organizationFull(context.sandbox, org) };
  });
}
