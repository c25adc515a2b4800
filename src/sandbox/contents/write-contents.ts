import { ApiError, notFound } from "../http/api-error.ts";
import { bodyObject } from "../http/body.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import { gitCommit } from "../serialize/commit.ts";
import { committedContent } from "../serialize/content.ts";
import type { Repo } from "../state/model.ts";
import { announcePush, guardWorkflowPath, stringField, writableRepo } from "./access.ts";
import { readCommit } from "./commit-read.ts";
import { writeBlob, writeCommit, type PathChange, type Signature } from "./commit-write.ts";
import { commitSignatures } from "./identity.ts";
import { branchHead, isEmptyRepo, swapRef, validRefName } from "./ref-ops.ts";
import { ZERO_OID } from "./repo-git.ts";
import { SYMLINK_MODE, pathSegments, walkPath } from "./tree.ts";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string): Buffer {
  const compact = text.replace(/\s+/g, "");
  if (!BASE64.test(compact) || compact.length % 4 === 1)
    throw new ApiError(422, "content is not valid Base64");
  return Buffer.from(compact, "base64");
}

/** The path of the route, canonical (`a/b.txt`), or GitHub's 422 for a malformed one. */
function routePath(context: RequestContext): string {
  const segments = pathSegments(context.params["*"] ?? "");
  if (!segments || segments.length === 0)
    throw new ApiError(422, "path contains a malformed path component");
  return segments.join("/");
}

/**
 * The branch a write goes to and its head: undefined only on an empty repository, where the
 * write makes the branch's first commit; 404 for a branch that does not exist otherwise.
 */
async function targetBranch(
  repo: Repo,
  branch: string,
): Promise<{ ref: string; head: string | undefined }> {
  const ref = `refs/heads/${branch}`;
  if (await validRefName(repo.gitDir, ref)) {
    const head = await branchHead(repo.gitDir, branch);
    if (head) return { ref, head };
    if (await isEmptyRepo(repo.gitDir)) return { ref, head: undefined };
  }
  throw new ApiError(404, `Branch ${branch} not found`);
}

/**
 * Commits one change on a branch and moves the branch with a compare-and-swap: a writer
 * that lost a race gets GitHub's 409 and the branch keeps the winner's commit.
 */
async function commitOnBranch(
  context: RequestContext,
  repo: Repo,
  target: { ref: string; head: string | undefined },
  change: PathChange,
  message: string,
  signatures: { author: Signature; committer: Signature },
): Promise<string> {
  const { author, committer } = signatures;
  const { commit } = await writeCommit(repo.gitDir, {
    parent: target.head ?? null,
    changes: [change],
    message,
    author,
    committer,
  });
  const expected = target.head ?? ZERO_OID;
  const swap = await swapRef(repo.gitDir, target.ref, commit, expected);
  if (!swap.ok) {
    throw swap.raced
      ? new ApiError(409, `is at ${swap.actual} but expected ${expected}`)
      : new ApiError(422, "Reference update failed");
  }
  announcePush(context, repo, [{ ref: target.ref, before: expected, after: commit }]);
  return commit;
}

async function fileCommitReply(
  context: RequestContext,
  repo: Repo,
  commit: string,
  content: unknown,
  status: number,
): Promise<Reply> {
  const info = await readCommit(repo.gitDir, commit);
  return { status, body: { content, commit: gitCommit(context.sandbox, repo, info!) } };
}

/**
 * PUT /repos/{owner}/{repo}/contents/{path}: creates a file (201), or replaces it (200) when
 * `sha` names its current blob; works on an empty repository (first commit).
 */
export async function putContents(context: RequestContext): Promise<Reply> {
  const repo = writableRepo(context, true);
  const body = bodyObject(context);
  const message = stringField(body, "message", true)!;
  const content = stringField(body, "content", true)!;
  const sha = stringField(body, "sha", false);
  const branch = stringField(body, "branch", false) ?? repo.defaultBranch;
  const signatures = commitSignatures(context, body);
  const bytes = decodeBase64(content);
  const path = routePath(context);
  guardWorkflowPath(context.principal, path);
  const target = await targetBranch(repo, branch);
  const found = target.head ? await walkPath(repo.gitDir, target.head, path.split("/")) : {};
  if (found.blocker)
    throw new ApiError(422, `path ${found.blocker.path} is a file, so ${path} cannot be created`);
  const existing = found.entry;
  if (existing && existing.type !== "blob")
    throw new ApiError(
      422,
      `path ${path} is a ${existing.type === "tree" ? "directory" : "submodule"}`,
    );
  if (existing && sha === undefined)
    throw new ApiError(422, `Invalid request.\n\n"sha" wasn't supplied.`);
  if (sha !== undefined && sha !== existing?.sha)
    throw new ApiError(409, `${path} does not match ${sha}`);

  const blob = await writeBlob(repo.gitDir, bytes);
  const mode =
    existing && ["100755", SYMLINK_MODE].includes(existing.mode) ? existing.mode : "100644";
  const commit = await commitOnBranch(
    context,
    repo,
    target,
    { path, blob, mode },
    message,
    signatures,
  );
  const segments = path.split("/");
  const entry = {
    mode,
    type: "blob" as const,
    sha: blob,
    size: bytes.length,
    name: segments.at(-1)!,
    path,
  };
  return fileCommitReply(
    context,
    repo,
    commit,
    committedContent(context.sandbox, repo, branch, entry),
    existing ? 200 : 201,
  );
}

/** DELETE /repos/{owner}/{repo}/contents/{path}: removes a file whose current blob is `sha`. */
export async function deleteContents(context: RequestContext): Promise<Reply> {
  const repo = writableRepo(context, true);
  const body = bodyObject(context);
  const message = stringField(body, "message", true)!;
  const sha = stringField(body, "sha", true)!;
  const branch = stringField(body, "branch", false) ?? repo.defaultBranch;
  const signatures = commitSignatures(context, body);
  const segments = pathSegments(context.params["*"] ?? "");
  if (!segments || segments.length === 0) throw notFound();
  const path = segments.join("/");
  guardWorkflowPath(context.principal, path);
  const target = await targetBranch(repo, branch);
  const existing = target.head
    ? (await walkPath(repo.gitDir, target.head, segments)).entry
    : undefined;
  if (!existing || existing.type !== "blob") throw notFound();
  if (sha !== existing.sha) throw new ApiError(409, `${path} does not match ${sha}`);
  const commit = await commitOnBranch(
    context,
    repo,
    target,
    { path, blob: null },
    message,
    signatures,
  );
  return fileCommitReply(context, repo, commit, null, 200);
}
