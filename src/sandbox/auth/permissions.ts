import { ApiError, forbidden, notFound, requiresAuthentication } from "../http/api-error.ts";
import type { RequestContext } from "../http/context.ts";
import type { Principal, Repo, Role } from "../state/model.ts";
import type { Store } from "../state/store.ts";

const ROLE_RANK: Record<Role, number> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };
const LEVEL_RANK = { read: 1, write: 2, admin: 3 } as const;

/** A user's role on a repository: org admins administer every org repository. */
export function userRole(store: Store, userId: number, repo: Repo): Role | undefined {
  const org = store.orgs.get(repo.ownerId);
  if (org?.members.get(userId) === "admin" || repo.ownerId === userId) return "admin";
  const role = repo.collaborators.get(userId);
  if (role) return role;
  // Org members can read the org's repositories, as with GitHub's default "read" base permission.
  if (org?.members.has(userId)) return "read";
  return undefined;
}

function selects(repositoryIds: "all" | number[], repo: Repo): boolean {
  return repositoryIds === "all" || repositoryIds.includes(repo.id);
}

/** Whether a principal may see a repository at all (GitHub answers 404 when not). */
export function canSee(store: Store, principal: Principal, repo: Repo): boolean {
  if (!repo.private) return true;
  switch (principal.kind) {
    case "user":
      return userRole(store, principal.userId, repo) !== undefined;
    case "installation":
      return selects(principal.repositoryIds, repo);
    case "workflow":
      return principal.repoId === repo.id;
    default:
      return false;
  }
}

/**
 * Whether a principal holds `level` on `permission` (a GitHub App permission name such as
 * `contents`, `issues`, `pull_requests`, `checks`, `actions`, `workflows`, `administration`).
 */
export function holds(
  store: Store,
  principal: Principal,
  repo: Repo,
  permission: string,
  level: "read" | "write" | "admin",
): boolean {
  switch (principal.kind) {
    case "user": {
      const role = userRole(store, principal.userId, repo);
      if (!role) return !repo.private && level === "read";
      const needed: Role =
        level === "admin" || permission === "administration"
          ? "admin"
          : level === "write"
            ? permission === "issues" || permission === "pull_requests"
              ? "triage"
              : "write"
            : "read";
      return ROLE_RANK[role] >= ROLE_RANK[needed];
    }
    case "installation":
    case "workflow": {
      if (principal.kind === "installation" && !selects(principal.repositoryIds, repo))
        return false;
      if (principal.kind === "workflow" && principal.repoId !== repo.id) return false;
      if (permission === "metadata" && level === "read") return true;
      const granted = principal.permissions[permission];
      return granted !== undefined && LEVEL_RANK[granted] >= LEVEL_RANK[level];
    }
    default:
      return !repo.private && level === "read" && principal.kind === "anonymous";
  }
}

/**
 * The repository named by the route's `owner` and `repo`, after checking the caller may use
 * `permission` at `level` on it: 404 when it cannot even see it (as GitHub hides private
 * repositories), 403 when it can see it but lacks the permission, 401 when anonymous.
 */
export function repoFor(
  context: RequestContext,
  permission: string,
  level: "read" | "write" | "admin",
): Repo {
  const { store } = context.sandbox;
  const repo = store.repoByName(context.params.owner ?? "", context.params.repo ?? "");
  // GitHub does not tell a repository it hides from one that does not exist, even to anonymous callers.
  if (!repo || !canSee(store, context.principal, repo)) throw notFound();
  if (!holds(store, context.principal, repo, permission, level)) {
    if (context.principal.kind === "anonymous") throw requiresAuthentication();
    throw context.principal.kind === "user"
      ? new ApiError(
          403,
          level === "admin"
            ? "Must have admin rights to Repository."
            : "Must have push access to repository.",
        )
      : forbidden();
  }
  return repo;
}

/** The user a request acts as (an installation or workflow token acts as the app's bot). */
export function actingUserId(context: RequestContext): number {
  const p = context.principal;
  switch (p.kind) {
    case "user":
      return p.userId;
    case "workflow":
      return p.botUserId;
    case "installation": {
      const installation = context.sandbox.store.installations.get(p.installationId)!;
      return context.sandbox.store.apps.get(installation.appId)!.botUserId;
    }
    default:
      throw requiresAuthentication();
  }
}
