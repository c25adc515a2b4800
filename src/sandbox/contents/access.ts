import { repoFor } from "../auth/permissions.ts";
import { onPush } from "../events/on-push.ts";
import { trackRun } from "../runner/run-registry.ts";
import type { RefUpdate } from "../git/refs.ts";
import { ApiError, notFound } from "../http/api-error.ts";
import type { RequestContext } from "../http/context.ts";
import type { Principal, Repo } from "../state/model.ts";
import { isEmptyRepo } from "./ref-ops.ts";

/** GitHub's answer to git operations on a repository without any branch. */
export const emptyRepoConflict = () => new ApiError(409, "Git Repository is empty.");

/** Fails with 409 "Git Repository is empty." when the repository has no branch. */
export async function requireNotEmpty(repo: Repo): Promise<void> {
  if (await isEmptyRepo(repo.gitDir)) throw emptyRepoConflict();
}

/**
 * The route's repository for a write to its contents: `contents: write` is needed. A user
 * without push access gets 404 from the contents endpoints, as on GitHub; an integration
 * gets 403 "Resource not accessible by integration". Archived repositories are read-only.
 */
export function writableRepo(context: RequestContext, hideFromUsers: boolean): Repo {
  let repo: Repo;
  try {
    repo = repoFor(context, "contents", "write");
  } catch (error) {
    if (hideFromUsers && error instanceof ApiError && error.status === 403) throw notFound();
    throw error;
  }
  if (repo.archived) throw new ApiError(403, "Repository was archived so is read-only.");
  return repo;
}

/**
 * A string field of a request body checked as GitHub's JSON-schema validation does:
 * `"sha" wasn't supplied.` when a required one is missing, `is not a string` when mistyped.
 */
export function stringField(
  body: Record<string, unknown>,
  name: string,
  required: boolean,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new ApiError(422, `Invalid request.\n\n"${name}" wasn't supplied.`);
    return undefined;
  }
  if (typeof value !== "string")
    throw new ApiError(
      422,
      `Invalid request.\n\nFor 'properties/${name}', ${JSON.stringify(value)} is not a string.`,
    );
  return value;
}

/** Whether a path is a workflow file (GitHub guards `.github/workflows/`). */
export function isWorkflowPath(path: string): boolean {
  return path.startsWith(".github/workflows/");
}

/**
 * Refuses changes to workflow files to credentials without the `workflows` permission (apps,
 * GITHUB_TOKEN) or the `workflow` scope (user tokens): 404 with GitHub's refusal message,
 * as the contents API answers.
 */
export function guardWorkflowPath(principal: Principal, path: string): void {
  if (!isWorkflowPath(path)) return;
  if (principal.kind === "user") {
    if (principal.scopes.includes("workflow")) return;
    throw new ApiError(
      404,
      `refusing to allow a Personal Access Token to create or update workflow \`${path}\` without \`workflow\` scope`,
    );
  }
  if (principal.kind === "installation" && principal.permissions.workflows === "write") return;
  throw new ApiError(
    404,
    `refusing to allow a GitHub App to create or update workflow \`${path}\` without \`workflows\` permission`,
  );
}

/**
 * Tells the rest of the sandbox that refs moved through the API, as after a push: the
 * `push` webhook, workflows, pull request heads, `pushed_at` (all in onPush, which never
 * throws; not awaited, so that the request does not wait for webhooks). Tracked like a git
 * push, so that waiting for the sandbox to settle also waits for what it starts.
 */
export function announcePush(context: RequestContext, repo: Repo, updates: RefUpdate[]): void {
  void trackRun(context.sandbox, onPush(context.sandbox, repo, updates, context.principal));
}
