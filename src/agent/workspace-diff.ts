import type { AgentWorkspace } from "../core/agent.ts";
import { git } from "../core/git/git.ts";

/** Everything an agent changed in its workspace (new files included), as a diff against the base. */
export async function workspaceDiff(workspace: AgentWorkspace): Promise<string> {
  await git(["add", "-A"], { cwd: workspace.dir });
  const diff = await git(["diff", "--cached", "--binary", workspace.baseCommit], {
    cwd: workspace.dir,
  });
  return diff.stdout;
}
