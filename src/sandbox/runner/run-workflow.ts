import { findOrCreateCheckSuite } from "../checks/check-suites.ts";
import { readCommit } from "../checks/commit-info.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Principal, Repo, WorkflowRun } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { emitWorkflowRunEvent } from "./emit-events.ts";
import { planWorkflow } from "./job-plan.ts";
import { loadWorkflow, type LoadedWorkflow } from "./load-workflows.ts";
import { actorOf, branchOf, displayTitle, githubContext, pullOf } from "./run-contexts.ts";
import { rememberOrigin, runControl, trackRun, type RunOrigin } from "./run-registry.ts";
import { startJob, type JobResult, type RunContext } from "./start-job.ts";
import { checksAppId, workflowRecord } from "./workflow-record.ts";

/**
 * Creates a queued run of a workflow for a trigger (its record, check suite and number),
 * sends `workflow_run` `requested`, and runs it in the background.
 */
export async function startWorkflowRun(
  sandbox: Sandbox,
  repo: Repo,
  loaded: LoadedWorkflow,
  origin: RunOrigin,
): Promise<WorkflowRun> {
  const { store } = sandbox;
  const wf = workflowRecord(sandbox, repo, loaded.path, loaded.name);
  const pull = pullOf(origin);
  // A pull_request_target run belongs to the base branch's commit, where its workflow is from.
  const isPull = origin.event === "pull_request";
  const headSha = isPull ? (pull?.head?.sha ?? origin.sha) : origin.sha;
  const headBranch = isPull ? (pull?.head?.ref ?? null) : branchOf(origin.ref);
  const commit = await readCommit(repo.gitDir, headSha);
  const { suite } = await findOrCreateCheckSuite(sandbox, repo, headSha, checksAppId(sandbox), {
    headBranch,
  });
  const actorId = actorOf(sandbox, origin.actor);
  const runNumber =
    Math.max(
      0,
      ...[...store.workflowRuns.values()]
        .filter((r) => r.workflowId === wf.id)
        .map((r) => r.runNumber),
    ) + 1;
  const now = timestamp();
  const run: WorkflowRun = {
    id: store.nextId(),
    repoId: repo.id,
    workflowId: wf.id,
    name: loaded.name,
    runNumber,
    runAttempt: 1,
    event: origin.event,
    headBranch,
    headSha,
    actorId,
    triggeringActorId: actorId,
    status: "queued",
    conclusion: null,
    inputs: Object.fromEntries(Object.entries(origin.inputs).map(([k, v]) => [k, String(v)])),
    createdAt: now,
    updatedAt: now,
    runStartedAt: now,
    checkSuiteId: suite.id,
    ref: origin.ref,
    headCommit: commit ?? null,
  };
  run.displayTitle = displayTitle(sandbox, repo, run, loaded, origin);
  store.workflowRuns.set(run.id, run);
  rememberOrigin(sandbox, run.id, origin);
  emitWorkflowRunEvent(sandbox, run, "requested");
  void trackRun(sandbox, executeRun(sandbox, repo, run, loaded, origin));
  return run;
}

/**
 * Runs a completed run again as a new attempt (the same run id, `run_attempt` + 1, new jobs),
 * with the workflow file of the run's commit; `principal` is who asked.
 */
export async function rerunWorkflowRun(
  sandbox: Sandbox,
  repo: Repo,
  run: WorkflowRun,
  origin: RunOrigin,
  principal: Principal,
): Promise<void> {
  const loaded = await loadWorkflow(repo.gitDir, origin.sha, origin.workflowPath);
  const now = timestamp();
  const { previousAttempts = [], ...attempt } = run;
  run.previousAttempts = [...previousAttempts, structuredClone(attempt)];
  run.runAttempt += 1;
  run.status = "queued";
  run.conclusion = null;
  run.runStartedAt = now;
  run.updatedAt = now;
  run.triggeringActorId = actorOf(sandbox, principal);
  delete run.errors;
  emitWorkflowRunEvent(sandbox, run, "requested");
  const missing: LoadedWorkflow = {
    path: origin.workflowPath,
    name: run.name,
    template: undefined,
    root: undefined,
    errors: [`${origin.workflowPath} no longer exists at ${origin.sha}`],
  };
  void trackRun(sandbox, executeRun(sandbox, repo, run, loaded ?? missing, origin));
}

/**
 * Runs an attempt: in progress, then each job once the jobs it needs are done (independent
 * jobs side by side), then completed with the run's conclusion. Never rejects.
 */
async function executeRun(
  sandbox: Sandbox,
  repo: Repo,
  run: WorkflowRun,
  loaded: LoadedWorkflow,
  origin: RunOrigin,
): Promise<void> {
  const control = runControl(sandbox, run.id, true);
  run.status = "in_progress";
  run.updatedAt = timestamp();
  emitWorkflowRunEvent(sandbox, run, "in_progress");
  const results = new Map<string, JobResult>();
  try {
    if (!loaded.template || !loaded.root) {
      run.errors = loaded.errors;
    } else {
      const plan = planWorkflow(loaded);
      const github = githubContext(sandbox, repo, run, origin);
      const context: RunContext = { sandbox, repo, run, plan, github, origin, results, control };
      const running = new Map<string, Promise<void>>();
      const pending = [...plan.jobs];
      while (pending.length > 0 || running.size > 0) {
        for (const job of [...pending]) {
          if (!job.needs.every((need) => results.has(need))) continue;
          pending.splice(pending.indexOf(job), 1);
          const work = startJob(context, job)
            .catch((error: unknown): JobResult => {
              const message = `Job ${job.id} could not run: ${(error as Error).message}`;
              run.errors = [...(run.errors ?? []), message];
              return { result: "failure", outputs: {}, tolerated: false };
            })
            .then((result) => {
              results.set(job.id, result);
              running.delete(job.id);
            });
          running.set(job.id, work);
        }
        if (running.size === 0) break;
        await Promise.race(running.values());
      }
    }
  } catch (error) {
    run.errors = [...(run.errors ?? []), `The sandbox runner failed: ${(error as Error).message}`];
  }
  const all = [...results.values()];
  run.status = "completed";
  run.conclusion =
    run.errors !== undefined
      ? "failure"
      : control.cancelled || all.some((r) => r.result === "cancelled")
        ? "cancelled"
        : all.some((r) => r.result === "failure" && !r.tolerated)
          ? "failure"
          : all.length > 0 && all.every((r) => r.result === "skipped")
            ? "skipped"
            : "success";
  run.updatedAt = timestamp();
  emitWorkflowRunEvent(sandbox, run, "completed");
}
