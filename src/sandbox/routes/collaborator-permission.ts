import { repoFor, userRole } from "../auth/permissions.ts";
import { notFound } from "../http/api-error.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import { simpleUser } from "../serialize/user.ts";
import type { Role } from "../state/model.ts";

/** The legacy `permission` GitHub reports for each role: maintain reads as write, triage as read. */
const LEGACY: Record<Role, string> = {
  read: "read",
  triage: "read",
  write: "write",
  maintain: "write",
  admin: "admin",
};

const ORDER: Role[] = ["read", "triage", "write", "maintain", "admin"];

/**
 * `GET /repos/{owner}/{repo}/collaborators/{username}/permission`: the user's role on the
 * repository (`role_name`, e.g. `maintain`) and the legacy `permission`; `none` for a user
 * without access. A login that is no user is a 404, as on GitHub.
 */
export function collaboratorPermission(context: RequestContext): Reply {
  const repo = repoFor(context, "metadata", "read");
  const { sandbox } = context;
  const user = sandbox.store.userByLogin(context.params.username ?? "");
  if (!user) throw notFound();
  const role = userRole(sandbox.store, user.id, repo);
  const rank = role === undefined ? -1 : ORDER.indexOf(role);
  return {
    status: 200,
    body: {
      permission: role === undefined ? "none" : LEGACY[role],
      role_name: role ?? "none",
      user: {
        ...simpleUser(sandbox, user),
        permissions: {
          pull: rank >= 0,
          triage: rank >= 1,
          push: rank >= 2,
          maintain: rank >= 3,
          admin: rank >= 4,
        },
        role_name: role ?? "none",
      },
    },
  };
}
