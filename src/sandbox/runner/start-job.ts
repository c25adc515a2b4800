import { createCheckRun } from "../checks/check-runs.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo, WorkflowJob, WorkflowRun } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { emitWorkflowJobEvent } from "./emit-events.ts";
import {
  conditionHolds,
  evaluateToken,
  fromExpressionData,
  isExpressionToken,
  isStringToken,
  tokenString,
  tokenTruthy,
  type ExpressionScope,
} from "./expressions.ts";
import type { JobPlan, StepPlan, WorkflowPlan } from "./job-plan.ts";
import type { NeedContext } from "./job-state.ts";
import { inputsContext } from "./run-contexts.ts";
import { runJob, type JobOutcome } from "./run-job.ts";
import type { RunControl, RunOrigin } from "./run-registry.ts";
import { checksAppId } from "./workflow-record.ts";

/** How a job ended, as the jobs that need it see it. */
export interface JobResult extends NeedContext {
  /** A failure that does not fail the run (`continue-on-error: true` on the job). */
  tolerated: boolean;
}

/** What the jobs of one run attempt share. */
export interface RunContext {
  sandbox: Sandbox;
  repo: Repo;
  run: WorkflowRun;
  plan: WorkflowPlan;
  github: Record<string, unknown>;
  origin: RunOrigin;
  results: Map<string, JobResult>;
  control: RunControl;
}

/** Every job a job needs, directly or through the jobs it needs. */
function ancestors(plan: WorkflowPlan, job: JobPlan, seen = new Set<string>()): Set<string> {
  for (const need of job.needs) {
    if (seen.has(need)) continue;
    seen.add(need);
    const parent = plan.jobs.find((j) => j.id === need);
    if (parent) ancestors(plan, parent, seen);
  }
  return seen;
}

/** GitHub's name for a step without `name:`: `Run` and the action or the script's first line. */
function defaultStepName(step: StepPlan): string {
  if (step.uses !== undefined) return `Run ${step.uses}`;
  const token = step.run;
  const source = isStringToken(token)
    ? token.value
    : isExpressionToken(token)
      ? (token.source ?? token.expression)
      : "";
  return `Run ${source.trim().split("\n")[0] ?? ""}`;
}

/** Decides whether a job runs (its `if:` and the results of its needs), then runs or skips it. */
export async function startJob(context: RunContext, jobPlan: JobPlan): Promise<JobResult> {
  const { sandbox, repo, run, plan, github, origin, results, control } = context;
  const needs: Record<string, NeedContext> = {};
  for (const need of jobPlan.needs) {
    const r = results.get(need)!;
    needs[need] = { result: r.tolerated ? "success" : r.result, outputs: r.outputs };
  }
  const upstream = [...ancestors(plan, jobPlan)].map((id) => results.get(id)!);
  const scope: ExpressionScope = {
    contexts: { github, inputs: inputsContext(origin), needs, vars: {} },
    status: {
      success: () =>
        !control.cancelled && upstream.every((r) => r.result === "success" || r.tolerated),
      failure: () => upstream.some((r) => r.result === "failure" && !r.tolerated),
      cancelled: () => control.cancelled,
    },
  };
  let setupError: string | undefined;
  let runs = true;
  let name = jobPlan.id;
  let tolerated = false;
  let labels: string[] = [];
  try {
    if (jobPlan.name !== undefined) name = tokenString(jobPlan.name, scope) || jobPlan.id;
    runs = !control.stopping && conditionHolds(jobPlan.condition, scope);
    if (jobPlan.runsOn !== undefined) {
      const value = fromExpressionData(evaluateToken(jobPlan.runsOn, scope));
      labels = (Array.isArray(value) ? value : [value]).map(String);
      const foreign = labels.find((l) => /windows|macos/i.test(l));
      if (foreign)
        jobPlan.unsupported.push(`jobs.${jobPlan.id}.runs-on: ${foreign} (the sandbox runs Linux)`);
    }
    if (jobPlan.continueOnError !== undefined)
      tolerated = tokenTruthy(jobPlan.continueOnError, scope);
  } catch (error) {
    setupError = (error as Error).message;
  }
  const stepNames = jobPlan.steps.map((step) => {
    try {
      if (step.name !== undefined) return tokenString(step.name, scope) || defaultStepName(step);
    } catch {
      // A name that needs the step's own contexts: the default name.
    }
    return defaultStepName(step);
  });
  const skipped = setupError === undefined && !runs;
  const job = await createJob(context, jobPlan, { name, labels, stepNames, skipped });
  if (skipped) return { result: "skipped", outputs: {}, tolerated: false };
  emitWorkflowJobEvent(sandbox, job, "queued");
  let outcome: JobOutcome;
  try {
    outcome = await runJob({
      ...(setupError === undefined ? {} : { setupError }),
      sandbox,
      repo,
      run,
      job,
      plan: jobPlan,
      workflow: plan,
      github,
      inputs: inputsContext(origin),
      needs,
      control,
    });
  } catch (error) {
    // The runner itself failed (not a step): the job fails rather than hanging in progress.
    abandonJob(sandbox, job, `The sandbox runner failed: ${(error as Error).message}`);
    return { result: "failure", outputs: {}, tolerated };
  }
  return { result: outcome.conclusion, outputs: outcome.outputs, tolerated };
}

/**
 * Records a job and its check run (one id for both, as on GitHub): queued with its steps
 * queued, or completed as skipped.
 */
async function createJob(
  context: RunContext,
  jobPlan: JobPlan,
  header: { name: string; labels: string[]; stepNames: string[]; skipped: boolean },
): Promise<WorkflowJob> {
  const { sandbox, repo, run } = context;
  const { name, labels, stepNames, skipped } = header;
  const now = timestamp();
  const checkRun = await createCheckRun(
    sandbox,
    repo,
    {
      name,
      headSha: run.headSha,
      appId: checksAppId(sandbox),
      headBranch: run.headBranch,
      ...(skipped ? { conclusion: "skipped" as const } : { status: "queued" as const }),
      externalId: jobPlan.id,
      detailsUrl: `${sandbox.url}/${sandbox.store.ownerLogin(repo)}/${repo.name}/actions/runs/${run.id}`,
    },
    run.actorId,
  );
  const queuedStep = (n: number, stepName: string) => ({
    number: n,
    name: stepName,
    status: "queued" as const,
    conclusion: null,
    startedAt: null,
    completedAt: null,
    log: "",
  });
  const job: WorkflowJob = {
    id: checkRun.id,
    runId: run.id,
    repoId: repo.id,
    name,
    status: skipped ? "completed" : "queued",
    conclusion: skipped ? "skipped" : null,
    startedAt: now,
    completedAt: skipped ? now : null,
    steps: skipped
      ? []
      : [
          queuedStep(1, "Set up job"),
          ...stepNames.map((stepName, i) => queuedStep(i + 2, stepName)),
          queuedStep(stepNames.length + 2, "Complete job"),
        ],
    checkRunId: checkRun.id,
    headSha: run.headSha,
    runAttempt: run.runAttempt,
    labels: labels.length > 0 ? labels : ["ubuntu-latest"],
    createdAt: now,
  };
  sandbox.store.workflowJobs.set(job.id, job);
  return job;
}

/** Completes a job the runner could not finish, as failed, with the reason in its last step. */
function abandonJob(sandbox: Sandbox, job: WorkflowJob, message: string): void {
  const now = timestamp();
  for (const step of job.steps) {
    if (step.status === "completed") continue;
    step.status = "completed";
    step.conclusion = step.startedAt ? "failure" : "skipped";
    step.startedAt ??= now;
    step.completedAt = now;
  }
  const last = job.steps[job.steps.length - 1];
  if (last) last.log += `${now} ##[error]${message}\n`;
  job.status = "completed";
  job.conclusion = "failure";
  job.completedAt = now;
  emitWorkflowJobEvent(sandbox, job, "completed");
}
