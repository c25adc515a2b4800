import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { git, gitOutput } from "../../core/git/git.ts";
import { installHooks } from "./hooks.ts";

/** Who a commit made by the sandbox is written as (the user whose request made it). */
export interface CommitIdentity {
  name: string;
  email: string;
}

/** Creates a bare repository with Lancer's hooks; with `readme`, an initial commit holding it. */
export async function createBareRepo(
  gitDir: string,
  defaultBranch: string,
  readme?: { text: string; author: CommitIdentity },
): Promise<void> {
  await mkdir(gitDir, { recursive: true });
  await git(["init", "--bare", "-q", "-b", defaultBranch], { cwd: gitDir });
  await git(["config", "http.receivepack", "true"], { cwd: gitDir });
  await installHooks(gitDir);
  if (readme === undefined) return;
  const blob = await gitOutput(["hash-object", "-w", "--stdin"], {
    cwd: gitDir,
    input: readme.text,
  });
  const tree = await gitOutput(["mktree"], {
    cwd: gitDir,
    input: `100644 blob ${blob}\tREADME.md\n`,
  });
  const now = new Date().toISOString();
  const { name, email } = readme.author;
  const commit = await gitOutput(["commit-tree", tree, "-m", "Initial commit"], {
    cwd: gitDir,
    env: {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_AUTHOR_DATE: now,
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: email,
      GIT_COMMITTER_DATE: now,
    },
  });
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
