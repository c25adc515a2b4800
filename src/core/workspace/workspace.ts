import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { git, gitOutput } from "../git/git.ts";
import type { SourceRepo } from "./source-repo.ts";

/**
 * Writes a git directory whose objects are the cache's (through `alternates`, as
 * `git clone --shared` sets up) and whose HEAD is the base commit, detached. Written by hand,
 * it costs no git process at all.
 */
export async function writeSharedGitDir(source: SourceRepo, gitDir: string): Promise<void> {
  await mkdir(path.join(gitDir, "objects", "info"), { recursive: true });
  await mkdir(path.join(gitDir, "refs"), { recursive: true });
  await Promise.all([
    writeFile(path.join(gitDir, "HEAD"), `${source.commit}\n`),
    writeFile(
      path.join(gitDir, "config"),
      "[core]\n\trepositoryformatversion = 0\n\tbare = false\n",
    ),
    writeFile(
      path.join(gitDir, "objects", "info", "alternates"),
      `${path.join(source.repo, "objects")}\n`,
    ),
  ]);
}

/**
 * A grading workspace: a shared git directory with the base commit checked out, in one git
 * process instead of a clone's dozen steps. History is irrelevant here: no model ever sees
 * this folder's .git.
 */
export async function createGradingWorkspace(source: SourceRepo, dir: string): Promise<void> {
  await writeSharedGitDir(source, path.join(dir, ".git"));
  await git(["read-tree", "-u", "--reset", "HEAD"], { cwd: dir });
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
