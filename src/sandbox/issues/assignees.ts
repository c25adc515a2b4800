import { userRole } from "../auth/permissions.ts";
import { ApiError, validationFailed } from "../http/api-error.ts";
import type { Repo, User } from "../state/model.ts";
import type { Store } from "../state/store.ts";

/** GitHub assigns at most ten people to an issue. */
export const MAX_ASSIGNEES = 10;

/** Whether a user can be assigned issues in a repository: a person with access (collaborator or org member). */
export function isAssignable(store: Store, repo: Repo, user: User): boolean {
  return user.type === "User" && userRole(store, user.id, repo) !== undefined;
}

/** Logins from a request's `assignees` (strings, or `{ login }` objects where GitHub takes them). 422 otherwise. */
export function assigneeLogins(value: unknown, field = "assignees"): string[] {
  const items = Array.isArray(value) ? (value as unknown[]) : undefined;
  if (!items)
    throw new ApiError(
      422,
      `Invalid request.\n\nFor '${field}', ${JSON.stringify(value)} is not an array.`,
      {
        errors: [{ resource: "Issue", field, code: "invalid" }],
      },
    );
  return items.map((item) => {
    if (typeof item === "string") return item;
    const login =
      typeof item === "object" && item !== null ? (item as { login?: unknown }).login : undefined;
    if (typeof login === "string") return login;
    throw validationFailed([{ resource: "Issue", field, code: "invalid" }]);
  });
}

/**
 * The user ids of `logins` who can be assigned. `strict` (creating or editing an issue) makes
 * any other login a 422, as GitHub answers; otherwise (adding assignees) they are skipped.
 */
export function assignableIds(
  store: Store,
  repo: Repo,
  logins: readonly string[],
  strict: boolean,
): number[] {
  const ids: number[] = [];
  for (const login of logins) {
    const user = store.userByLogin(login);
    if (!user || !isAssignable(store, repo, user)) {
      if (!strict) continue;
      throw validationFailed([
        {
          resource: "Issue",
          field: "assignees",
          code: "invalid",
          message: `${JSON.stringify(login)} is not a valid assignee`,
        },
      ]);
    }
    if (!ids.includes(user.id)) ids.push(user.id);
  }
  return ids;
}
