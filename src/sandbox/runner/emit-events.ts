import { emitRepoEvent, type Sandbox } from "../sandbox.ts";
import { workflow, workflowJob, workflowRun } from "../serialize/actions.ts";
import type { WorkflowJob, WorkflowRun } from "../state/model.ts";

/** Sends `workflow_run` (`requested`, `in_progress`, `completed`) for a run as it is now. */
export function emitWorkflowRunEvent(
  sandbox: Sandbox,
  run: WorkflowRun,
  action: "requested" | "in_progress" | "completed",
): void {
  const { store } = sandbox;
  const repo = store.repos.get(run.repoId);
  const wf = store.workflows.get(run.workflowId);
  if (!repo || !wf) return;
  emitRepoEvent(
    sandbox,
    repo,
    "workflow_run",
    action,
    { workflow: workflow(sandbox, wf), workflow_run: workflowRun(sandbox, run, true) },
    run.triggeringActorId ?? run.actorId,
  );
}

/** Sends `workflow_job` (`queued`, `in_progress`, `completed`) for a job as it is now. */
export function emitWorkflowJobEvent(
  sandbox: Sandbox,
  job: WorkflowJob,
  action: "queued" | "in_progress" | "completed",
): void {
  const { store } = sandbox;
  const repo = store.repos.get(job.repoId);
  const run = store.workflowRuns.get(job.runId);
  if (!repo || !run) return;
  emitRepoEvent(
    sandbox,
    repo,
    "workflow_job",
    action,
    { workflow_job: workflowJob(sandbox, job) },
    run.triggeringActorId ?? run.actorId,
  );
}
