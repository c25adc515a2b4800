import path from "node:path";
import { gitOutput, git } from "../git/git.ts";
import { writeSharedGitDir } from "../workspace/workspace.ts";
import type { SourceRepo } from "../workspace/source-repo.ts";

/**
 * A candidate given as a folder (e.g. a pull request's head checked out by a workflow) as a
 * patch against the task's base: every file that differs from the base tree, added or
 * deleted, whatever the folder's own history. The folder's `.git` and what its .gitignore
 * ignores are not part of it; nothing in the folder is written.
 */
export async function patchFromDir(
  source: SourceRepo,
  candidateDir: string,
  scratchDir: string,
): Promise<string> {
  const gitDir = path.join(scratchDir, "candidate.git");
  await writeSharedGitDir(source, gitDir);
  const env = {
    GIT_DIR: gitDir,
    GIT_WORK_TREE: path.resolve(candidateDir),
    GIT_INDEX_FILE: path.join(scratchDir, "candidate.index"),
  };
  await git(["read-tree", "HEAD"], { cwd: candidateDir, env });
  await git(["add", "-A"], { cwd: candidateDir, env });
  const patch = await gitOutput(["diff", "--cached", "--binary", "--no-renames", "HEAD"], {
    cwd: candidateDir,
    env,
  });
  return patch === "" ? "" : `${patch}\n`;
}
