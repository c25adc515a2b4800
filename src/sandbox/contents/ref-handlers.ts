import { repoFor } from "../auth/permissions.ts";
import { ApiError, notFound } from "../http/api-error.ts";
import { bodyObject } from "../http/body.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import { gitRef } from "../serialize/git-ref.ts";
import type { Repo } from "../state/model.ts";
import { announcePush, emptyRepoConflict, stringField, writableRepo } from "./access.ts";
import {
  isAncestor,
  isEmptyRepo,
  listRefs,
  objectType,
  readRef,
  swapRef,
  validRefName,
  type RefInfo,
} from "./ref-ops.ts";
import { ZERO_OID } from "./repo-git.ts";

const unprocessable = (message: string) => new ApiError(422, message);

/** `heads/main` from the route → `refs/heads/main`. */
function fullRef(context: RequestContext): string {
  return `refs/${(context.params["*"] ?? "").replace(/^\/+|\/+$/g, "")}`;
}

async function refInfo(repo: Repo, ref: string): Promise<RefInfo | undefined> {
  return (await listRefs(repo.gitDir)).find((r) => r.ref === ref);
}

/** GET /repos/{owner}/{repo}/git/ref/{ref}: one ref by its exact name (`heads/main`). */
export async function getRef(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "contents", "read");
  if (await isEmptyRepo(repo.gitDir)) throw emptyRepoConflict();
  const info = await refInfo(repo, fullRef(context));
  if (!info) throw notFound();
  return { status: 200, body: gitRef(context.sandbox, repo, info) };
}

/** GET /repos/{owner}/{repo}/git/matching-refs/{ref}: every ref whose name starts with `refs/{ref}`. */
export async function matchingRefs(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "contents", "read");
  if (await isEmptyRepo(repo.gitDir)) throw emptyRepoConflict();
  const prefix = `refs/${context.params["*"] ?? ""}`;
  const refs = (await listRefs(repo.gitDir)).filter((r) => r.ref.startsWith(prefix));
  return { status: 200, body: refs.map((r) => gitRef(context.sandbox, repo, r)) };
}

/** POST /repos/{owner}/{repo}/git/refs: creates `ref` at `sha`. */
export async function createRef(context: RequestContext): Promise<Reply> {
  const repo = writableRepo(context, false);
  const body = bodyObject(context);
  const ref = stringField(body, "ref", true)!;
  const sha = stringField(body, "sha", true)!.toLowerCase();
  if (!ref.startsWith("refs/") || ref.split("/").length < 3)
    throw unprocessable("Reference name must contain at least three slash-separated components.");
  if (!(await validRefName(repo.gitDir, ref)))
    throw unprocessable(`${ref} is not a valid ref name.`);
  if (await isEmptyRepo(repo.gitDir)) throw emptyRepoConflict();
  if (!(await objectType(repo.gitDir, sha))) throw unprocessable("Object does not exist");
  if (await readRef(repo.gitDir, ref)) throw unprocessable("Reference already exists");
  const swap = await swapRef(repo.gitDir, ref, sha, ZERO_OID);
  if (!swap.ok)
    throw unprocessable(swap.raced ? "Reference already exists" : "Reference update failed");
  announcePush(context, repo, [{ ref, before: ZERO_OID, after: sha }]);
  const created = gitRef(context.sandbox, repo, (await refInfo(repo, ref))!);
  return { status: 201, body: created, headers: { location: String(created.url) } };
}

/** PATCH /repos/{owner}/{repo}/git/refs/{ref}: moves a ref, fast-forward only unless `force`. */
export async function updateRef(context: RequestContext): Promise<Reply> {
  const repo = writableRepo(context, false);
  const body = bodyObject(context);
  const sha = stringField(body, "sha", true)!.toLowerCase();
  const force = body.force;
  if (force !== undefined && force !== null && typeof force !== "boolean")
    throw unprocessable(
      `Invalid request.\n\nFor 'properties/force', ${JSON.stringify(force)} is not a boolean.`,
    );
  const ref = fullRef(context);
  const current = await readRef(repo.gitDir, ref);
  if (!current) throw unprocessable("Reference does not exist");
  if (!(await objectType(repo.gitDir, sha))) throw unprocessable("Object does not exist");
  if (current !== sha) {
    if (force !== true && !(await isAncestor(repo.gitDir, current, sha)))
      throw unprocessable("Update is not a fast forward");
    const swap = await swapRef(repo.gitDir, ref, sha, current);
    if (!swap.ok) {
      throw swap.raced
        ? new ApiError(409, `is at ${swap.actual} but expected ${current}`)
        : unprocessable("Reference update failed");
    }
    announcePush(context, repo, [{ ref, before: current, after: sha }]);
  }
  return { status: 200, body: gitRef(context.sandbox, repo, (await refInfo(repo, ref))!) };
}

/** DELETE /repos/{owner}/{repo}/git/refs/{ref}: 204; never the default branch. */
export async function deleteRef(context: RequestContext): Promise<Reply> {
  const repo = writableRepo(context, false);
  const ref = fullRef(context);
  const current = await readRef(repo.gitDir, ref);
  if (!current) throw unprocessable("Reference does not exist");
  if (ref === `refs/heads/${repo.defaultBranch}`)
    throw unprocessable("Cannot delete the default branch");
  const swap = await swapRef(repo.gitDir, ref, ZERO_OID, current);
  if (!swap.ok) {
    throw swap.raced
      ? new ApiError(409, `is at ${swap.actual} but expected ${current}`)
      : unprocessable("Reference update failed");
  }
  announcePush(context, repo, [{ ref, before: current, after: ZERO_OID }]);
  return { status: 204 };
}
