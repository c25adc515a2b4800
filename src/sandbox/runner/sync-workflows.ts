import { git } from "../../core/git/git.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo, Workflow } from "../state/model.ts";
import { listWorkflowFiles, loadWorkflow } from "./load-workflows.ts";
import { workflowRecord } from "./workflow-record.ts";

/**
 * The repository's workflows as GitHub lists them: a record for every workflow file of the
 * default branch (created on first sight, renamed with its `name:`), plus those that ran
 * from other branches. Oldest first.
 */
export async function syncWorkflows(sandbox: Sandbox, repo: Repo): Promise<Workflow[]> {
  const head = await git(["rev-parse", "--verify", "--quiet", `refs/heads/${repo.defaultBranch}`], {
    cwd: repo.gitDir,
    allowFailure: true,
  });
  if (head.exitCode === 0) {
    const sha = head.stdout.trim();
    for (const path of await listWorkflowFiles(repo.gitDir, sha)) {
      const loaded = await loadWorkflow(repo.gitDir, sha, path);
      if (loaded) workflowRecord(sandbox, repo, path, loaded.name);
    }
  }
  return [...sandbox.store.workflows.values()]
    .filter((wf) => wf.repoId === repo.id)
    .sort((a, b) => a.id - b.id);
}

/** A workflow by its id or its file name (`ci.yml`), as the `workflow_id` parameter takes it. */
export async function findWorkflow(
  sandbox: Sandbox,
  repo: Repo,
  idOrFile: string,
): Promise<Workflow | undefined> {
  const workflows = await syncWorkflows(sandbox, repo);
  if (/^\d+$/.test(idOrFile)) return workflows.find((wf) => wf.id === Number(idOrFile));
  return workflows.find((wf) => wf.path === idOrFile || wf.path.split("/").pop() === idOrFile);
}
