import type { Sandbox } from "../sandbox.ts";
import type { Repo } from "../state/model.ts";

/** How a user relates to a repository, as GitHub puts it in `author_association`. */
export function authorAssociation(
  sandbox: Sandbox,
  repo: Repo,
  userId: number,
): "OWNER" | "MEMBER" | "COLLABORATOR" | "NONE" {
  if (repo.ownerId === userId) return "OWNER";
  if (sandbox.store.orgs.get(repo.ownerId)?.members.has(userId)) return "MEMBER";
  if (repo.collaborators.has(userId)) return "COLLABORATOR";
  return "NONE";
}
