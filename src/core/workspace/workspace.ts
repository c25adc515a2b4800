import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { git, gitOutput } from "../git/git.ts";
import type { SourceRepo } from "./source-repo.ts";

/**
 * A grading workspace: a cheap clone (objects shared with the cache) with the base
 * commit checked out. History is irrelevant here: no model ever sees this folder's .git.
 */
export async function createGradingWorkspace(source: SourceRepo, dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  await git(["clone", "-q", "--shared", "--no-checkout", source.repo, dir], {
    cwd: path.dirname(dir),
  });
  await git(["-c", "advice.detachedHead=false", "checkout", "-q", "--detach", source.commit], {
    cwd: dir,
  });
}

/**
 * The workspace an agent sees: the tree of the base commit as the single commit of a new
 * repository, with no history, no other refs and no objects from the source repository.
 * Returns the id of that fresh commit.
 */
export async function createAgentWorkspace(source: SourceRepo, dir: string): Promise<string> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const index = path.join(dir, ".lancer-index");
  const exportEnv = { GIT_DIR: source.repo, GIT_WORK_TREE: dir, GIT_INDEX_FILE: index };
  await git(["read-tree", source.commit], { cwd: dir, env: exportEnv });
  await git(["checkout-index", "-a", "-f"], { cwd: dir, env: exportEnv });
  await rm(index, { force: true });
  await git(["init", "-q", "-b", "main"], { cwd: dir });
  await git(["add", "-A", "-f"], { cwd: dir });
  await git(["commit", "-q", "--no-verify", "-m", "Base"], { cwd: dir });
  return gitOutput(["rev-parse", "HEAD"], { cwd: dir });
}
