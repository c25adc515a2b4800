import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { updateCheckRun } from "../checks/check-runs.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo, WorkflowJob, WorkflowRun } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { annotationsOf, completeJob, evaluateOutputs } from "./complete-job.ts";
import { emitWorkflowJobEvent } from "./emit-events.ts";
import { tokenString, tokenStringMap } from "./expressions.ts";
import type { JobPlan, WorkflowPlan } from "./job-plan.ts";
import { scopeOf, type JobState, type NeedContext } from "./job-state.ts";
import { finishStep, runSteps, skipStep } from "./job-steps.ts";
import { jobVariables, permissionLabel } from "./job-variables.ts";
import type { RunControl } from "./run-registry.ts";
import { Masker } from "./workflow-commands.ts";
import { mintWorkflowToken, revokeWorkflowToken, tokenPermissions } from "./workflow-token.ts";

/** What a job run starts from: the run's contexts and the results of the jobs it needs. */
export interface JobInput {
  sandbox: Sandbox;
  repo: Repo;
  run: WorkflowRun;
  job: WorkflowJob;
  plan: JobPlan;
  workflow: WorkflowPlan;
  /** The run's `github` context (job- and step-level keys are added here). */
  github: Record<string, unknown>;
  inputs: Record<string, unknown>;
  needs: Record<string, NeedContext>;
  /** Why the job cannot start (its `if:`, `name` or `runs-on` could not be evaluated). */
  setupError?: string;
  /** The run's cancellation state. */
  control: RunControl;
}

/** How a job ended. */
export interface JobOutcome {
  conclusion: "success" | "failure" | "cancelled";
  outputs: Record<string, string>;
}

const DEFAULT_TIMEOUT_MINUTES = 360;

/**
 * Runs a queued job to completion: marks it (and its check run) in progress, mints its
 * GITHUB_TOKEN, prepares its workspace, runs its steps in order with their `if:` conditions,
 * `continue-on-error` and timeouts, evaluates its outputs, then completes it, revokes the
 * token and removes the workspace. Sends `workflow_job` `in_progress` and `completed`.
 */
export async function runJob(input: JobInput): Promise<JobOutcome> {
  const { sandbox, repo, run, job, plan } = input;
  const masker = new Masker();
  for (const value of Object.values(sandbox.secrets ?? {})) masker.add(value);
  const setup = job.steps[0]!;
  const complete = job.steps[job.steps.length - 1]!;
  const startedAt = timestamp();
  job.status = "in_progress";
  job.startedAt = startedAt;
  setup.status = "in_progress";
  setup.startedAt = startedAt;
  await updateCheckRun(
    sandbox,
    repo,
    sandbox.store.checkRuns.get(job.checkRunId)!,
    {
      status: "in_progress",
      startedAt,
    },
    run.actorId,
  );
  emitWorkflowJobEvent(sandbox, job, "in_progress");

  const setupLines = [
    "Current runner version: 'sandbox'",
    "Runner name: 'sandbox-runner'",
    `Operating System: Linux`,
  ];
  const fail = async (message: string): Promise<JobOutcome> => {
    finishStep(setup, "failure", [...setupLines, `##[error]${message}`], masker);
    for (const step of job.steps.slice(1, -1)) skipStep(step);
    finishStep(complete, "success", ["Cleaning up orphan processes"], masker);
    await completeJob(input, "failure", [
      { level: "failure", message, path: ".github", title: null },
    ]);
    return { conclusion: "failure", outputs: {} };
  };
  if (input.setupError !== undefined) return fail(input.setupError);
  if (plan.unsupported.length > 0)
    return fail(
      `The sandbox runner does not support: ${plan.unsupported.join(", ")}. The job cannot run.`,
    );
  let permissions;
  try {
    permissions = tokenPermissions(plan.permissions, input.workflow.permissions);
  } catch (error) {
    return fail((error as Error).message);
  }
  const token = mintWorkflowToken(sandbox.store, repo, permissions);
  masker.add(token);
  masker.add(Buffer.from(`x-access-token:${token}`).toString("base64"));
  setupLines.push(
    "##[group]GITHUB_TOKEN Permissions",
    ...Object.entries(permissions).map(([name, level]) => `${permissionLabel(name)}: ${level}`),
    "##[endgroup]",
  );

  const jobDir = path.join(sandbox.stateDir, "actions", "jobs", String(job.id));
  try {
    const state = await prepareJob(input, jobDir, token, masker);
    try {
      const workflowEnv = tokenStringMap(input.workflow.env, scopeOf(state));
      Object.assign(state.env, workflowEnv);
      Object.assign(state.env, tokenStringMap(plan.env, scopeOf(state)));
      if (plan.timeoutMinutes !== undefined) {
        const value = Number(tokenString(plan.timeoutMinutes, scopeOf(state)));
        if (!Number.isFinite(value) || value <= 0)
          throw new Error(`jobs.${plan.id}.timeout-minutes is not a positive number`);
        state.timeoutMinutes = value;
      }
      state.deadline = Date.now() + state.timeoutMinutes * 60_000;
    } catch (error) {
      return await fail((error as Error).message);
    }
    finishStep(setup, "success", setupLines, masker);
    await runSteps(state, input.control);
    const closing = ["Cleaning up orphan processes"];
    let outputs: Record<string, string> = {};
    try {
      outputs = evaluateOutputs(state, closing);
    } catch (error) {
      closing.push(`##[error]${(error as Error).message}`);
      if (state.status !== "cancelled") state.status = "failure";
    }
    revokeWorkflowToken(sandbox.store, token);
    finishStep(complete, "success", closing, masker);
    job.outputs = outputs;
    job.summary = state.summaries.join("\n");
    job.annotations = state.annotations.map((a) => ({ ...a, message: masker.mask(a.message) }));
    const conclusion = state.status;
    await completeJob(input, conclusion, annotationsOf(state));
    return { conclusion, outputs };
  } finally {
    revokeWorkflowToken(sandbox.store, token);
    await rm(jobDir, { recursive: true, force: true });
  }
}

/**
 * Creates a job's folders (workspace, RUNNER_TEMP, runner files, HOME), writes the event
 * file, and builds the job's state: its contexts and process variables.
 */
async function prepareJob(
  input: JobInput,
  jobDir: string,
  token: string,
  masker: Masker,
): Promise<JobState> {
  const { sandbox, repo, run, job, plan } = input;
  const dirs = {
    job: jobDir,
    temp: path.join(jobDir, "temp"),
    home: path.join(jobDir, "home"),
  };
  const workspace = path.join(jobDir, "work", repo.name);
  const fileCommandsDir = path.join(dirs.temp, "_runner_file_commands");
  const eventPath = path.join(dirs.temp, "_github_workflow", "event.json");
  for (const dir of [workspace, fileCommandsDir, dirs.home, path.dirname(eventPath)])
    await mkdir(dir, { recursive: true });
  await writeFile(eventPath, JSON.stringify(input.github.event ?? {}, null, 2));
  const github = {
    ...input.github,
    job: plan.id,
    token,
    workspace,
    event_path: eventPath,
    action_path: "",
  };
  const runner = {
    name: "sandbox-runner",
    os: "Linux",
    arch: process.arch === "arm64" ? "ARM64" : "X64",
    temp: dirs.temp,
    tool_cache: path.join(jobDir, "tool-cache"),
    environment: "self-hosted",
    debug: "",
  };
  return {
    sandbox,
    repo,
    run,
    job,
    plan,
    process: {
      workspace,
      fileCommandsDir,
      variables: jobVariables(sandbox, github, runner, dirs.home),
      pathAdditions: [],
      masker,
      kills: input.control.kills,
    },
    dirs,
    token,
    github,
    inputs: input.inputs,
    secrets: { ...sandbox.secrets, GITHUB_TOKEN: token },
    needs: input.needs,
    runner,
    env: {},
    steps: {},
    status: "success",
    deadline: 0,
    timeoutMinutes: DEFAULT_TIMEOUT_MINUTES,
    summaries: [],
    annotations: [],
  };
}
