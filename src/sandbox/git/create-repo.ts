import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { git, gitOutput } from "../../core/git/git.ts";
import { installHooks } from "./hooks.ts";

/** Creates a bare repository with Lancer's hooks; with `readme`, an initial commit holding it. */
export async function createBareRepo(
  gitDir: string,
  defaultBranch: string,
  readme?: string,
): Promise<void> {
  await mkdir(gitDir, { recursive: true });
  await git(["init", "--bare", "-q", "-b", defaultBranch], { cwd: gitDir });
  await git(["config", "http.receivepack", "true"], { cwd: gitDir });
  await installHooks(gitDir);
  if (readme === undefined) return;
  const blob = await gitOutput(["hash-object", "-w", "--stdin"], { cwd: gitDir, input: readme });
  const tree = await gitOutput(["mktree"], {
    cwd: gitDir,
    input: `100644 blob ${blob}\tREADME.md\n`,
  });
  const commit = await gitOutput(["commit-tree", tree, "-m", "Initial commit"], { cwd: gitDir });
  await git(["update-ref", `refs/heads/${defaultBranch}`, commit], { cwd: gitDir });
}

/** Moves a repository's folder (on rename). */
export async function moveBareRepo(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  await rename(from, to);
}

export async function deleteBareRepo(gitDir: string): Promise<void> {
  await rm(gitDir, { recursive: true, force: true });
}
