import { rateLimitKey } from "../auth/resolve-principal.ts";
import type { Router } from "../http/router.ts";
import { notFound, requiresAuthentication } from "../http/api-error.ts";
import { simpleOrg, simpleUser } from "../serialize/user.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Org } from "../state/model.ts";

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
    return {
      status: 200,
      body: {
        ...simpleUser(context.sandbox, user),
        name: user.name,
        company: null,
        blog: "",
        location: null,
        email: user.email,
        hireable: null,
        bio: null,
        public_repos: 0,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: user.createdAt,
        updated_at: user.createdAt,
      },
    };
  });

  router.on("GET", "/users/:username", (context) => {
    const { store } = context.sandbox;
    const user =
      store.userByLogin(context.params.username ?? "") ??
      store.orgByLogin(context.params.username ?? "");
    if (!user) throw notFound();
    const createdAt = user.createdAt;
    return {
      status: 200,
      body: {
        ...simpleUser(context.sandbox, user),
        name: "name" in user ? user.name : user.login,
        company: null,
        blog: "",
        location: null,
        email: "email" in user ? user.email : null,
        hireable: null,
        bio: null,
        public_repos: 0,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: createdAt,
        updated_at: createdAt,
      },
    };
  });

  router.on("GET", "/orgs/:org", (context) => {
    const org = context.sandbox.store.orgByLogin(context.params.org ?? "");
    if (!org) throw notFound();
    return { status: 200, body: organizationFull(context.sandbox, org) };
  });
}
