import { repoFor } from "../auth/permissions.ts";
import { ApiError, notFound } from "../http/api-error.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import { fullCommit, gitCommit } from "../serialize/commit.ts";
import { requireNotEmpty } from "./access.ts";
import { commitFiles } from "./commit-diff.ts";
import { commitIds, readCommit, readCommits } from "./commit-read.ts";
import { resolveCommit } from "./ref-ops.ts";
import { pathSegments } from "./tree.ts";

/** GET /repos/{owner}/{repo}/git/commits/{commit_sha}: a commit object of the git database. */
export async function getGitCommit(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "contents", "read");
  await requireNotEmpty(repo);
  const info = await readCommit(repo.gitDir, (context.params.commit_sha ?? "").toLowerCase());
  if (!info) throw notFound();
  return { status: 200, body: gitCommit(context.sandbox, repo, info) };
}

/** GET /repos/{owner}/{repo}/commits/{ref}: a commit with its stats and changed files. */
export async function getCommit(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "contents", "read");
  await requireNotEmpty(repo);
  const ref = context.params.ref ?? "";
  const sha = await resolveCommit(repo.gitDir, ref);
  const info = sha && (await readCommit(repo.gitDir, sha));
  if (!info) throw new ApiError(422, `No commit found for SHA: ${ref}`);
  const files = await commitFiles(repo.gitDir, info.sha, info.parents[0]);
  return { status: 200, body: fullCommit(context.sandbox, repo, info, files) };
}

/**
 * GET /repos/{owner}/{repo}/commits: the history from `sha` (default branch by default),
 * newest first, optionally only commits touching `path`; paged.
 */
export async function listCommits(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "contents", "read");
  await requireNotEmpty(repo);
  const start = context.query.get("sha") || repo.defaultBranch;
  const sha = await resolveCommit(repo.gitDir, start);
  if (!sha) throw new ApiError(404, `No commit found for SHA: ${start}`);
  const pathQuery = context.query.get("path");
  const segments = pathQuery ? pathSegments(pathQuery) : [];
  const ids = segments
    ? await commitIds(repo.gitDir, sha, segments.length > 0 ? segments.join("/") : undefined)
    : [];
  const reply = paginate(context, ids);
  const page = await readCommits(repo.gitDir, reply.body as string[]);
  return { ...reply, body: page.map((info) => fullCommit(context.sandbox, repo, info)) };
}
