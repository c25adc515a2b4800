import path from "node:path/posix";
import { repoFor } from "../auth/permissions.ts";
import { ApiError, notFound } from "../http/api-error.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import type { Sandbox } from "../sandbox.ts";
import {
  contentEntry,
  contentFile,
  contentSubmodule,
  contentSymlink,
} from "../serialize/content.ts";
import type { Repo } from "../state/model.ts";
import { isEmptyRepo, resolveCommit } from "./ref-ops.ts";
import { readBlob, repoGit } from "./repo-git.ts";
import { SYMLINK_MODE, listTree, lookupPath, pathSegments, type TreeEntry } from "./tree.ts";

/** GitHub lists at most 1,000 entries of a directory. */
const MAX_ENTRIES = 1000;

/** The URL `.gitmodules` gives the submodule at `entryPath`, if any. */
async function submoduleUrl(
  gitDir: string,
  commit: string,
  entryPath: string,
): Promise<string | undefined> {
  const result = await repoGit(
    gitDir,
    [
      "config",
      "-z",
      "--blob",
      `${commit}:.gitmodules`,
      "--get-regexp",
      "^submodule\\..*\\.(path|url)$",
    ],
    { allowFailure: true },
  );
  if (result.exitCode !== 0) return undefined;
  const values = new Map<string, string>();
  for (const record of result.stdout.split("\0")) {
    const newline = record.indexOf("\n");
    if (newline > 0) values.set(record.slice(0, newline), record.slice(newline + 1));
  }
  for (const [key, value] of values) {
    if (!key.endsWith(".path") || value !== entryPath) continue;
    return values.get(`${key.slice(0, -".path".length)}.url`);
  }
  return undefined;
}

/**
 * A symbolic link answers with the file it points at when that is a regular file of the
 * repository (as on GitHub), else with the link itself.
 */
async function describeSymlink(
  sandbox: Sandbox,
  repo: Repo,
  ref: string,
  commit: string,
  entry: TreeEntry,
): Promise<unknown> {
  const target = (await readBlob(repo.gitDir, entry.sha)).toString("utf8");
  const joined = path.normalize(path.join(path.dirname(entry.path), target));
  const segments =
    target.startsWith("/") || joined.startsWith("..") ? undefined : pathSegments(joined);
  const resolved = segments && (await lookupPath(repo.gitDir, commit, segments));
  if (resolved && resolved.type === "blob" && resolved.mode !== SYMLINK_MODE) {
    return contentFile(sandbox, repo, ref, resolved, await readBlob(repo.gitDir, resolved.sha));
  }
  return contentSymlink(sandbox, repo, ref, entry, target);
}

async function describe(
  sandbox: Sandbox,
  repo: Repo,
  ref: string,
  commit: string,
  entry: TreeEntry,
): Promise<unknown> {
  if (entry.type === "tree") {
    const entries = await listTree(repo.gitDir, entry.sha, entry.path);
    return entries.slice(0, MAX_ENTRIES).map((e) => contentEntry(sandbox, repo, ref, e));
  }
  if (entry.type === "commit") {
    const url = (await submoduleUrl(repo.gitDir, commit, entry.path)) ?? `${sandbox.url}/`;
    return contentSubmodule(sandbox, repo, ref, entry, url);
  }
  if (entry.mode === SYMLINK_MODE) return describeSymlink(sandbox, repo, ref, commit, entry);
  return contentFile(sandbox, repo, ref, entry, await readBlob(repo.gitDir, entry.sha));
}

/**
 * GET /repos/{owner}/{repo}/contents/{path} (and the root without a path): a file with its
 * bytes in base64, a directory as an array of entries, at `ref` (default branch by default).
 */
export async function getContents(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "contents", "read");
  if (await isEmptyRepo(repo.gitDir)) throw new ApiError(404, "This repository is empty.");
  const ref = context.query.get("ref") || repo.defaultBranch;
  const commit = await resolveCommit(repo.gitDir, ref);
  if (!commit) throw new ApiError(404, `No commit found for the ref ${ref}`);
  const segments = pathSegments(context.params["*"] ?? "");
  const entry = segments && (await lookupPath(repo.gitDir, commit, segments));
  if (!entry) throw notFound();
  return { status: 200, body: await describe(context.sandbox, repo, ref, commit, entry) };
}
