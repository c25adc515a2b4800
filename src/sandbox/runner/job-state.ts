import type { Sandbox } from "../sandbox.ts";
import type { Repo, WorkflowJob, WorkflowRun } from "../state/model.ts";
import type { ExpressionScope } from "./expressions.ts";
import type { JobPlan } from "./job-plan.ts";
import type { JobProcessEnv } from "./step-process.ts";
import type { Annotation } from "./workflow-commands.ts";

/** What `steps.<id>` shows of a finished step. */
export interface StepContext {
  outputs: Record<string, string>;
  outcome: "success" | "failure" | "skipped" | "cancelled";
  conclusion: "success" | "failure" | "skipped" | "cancelled";
}

/** `needs.<id>` for a job that depends on another. */
export interface NeedContext {
  result: "success" | "failure" | "skipped" | "cancelled";
  outputs: Record<string, string>;
}

/** Everything a running job knows; steps read and extend it. */
export interface JobState {
  sandbox: Sandbox;
  repo: Repo;
  run: WorkflowRun;
  job: WorkflowJob;
  plan: JobPlan;
  process: JobProcessEnv;
  dirs: { job: string; temp: string; home: string };
  /** The job's GITHUB_TOKEN. */
  token: string;
  /** The `github` context (per-step keys such as `action` are added per step). */
  github: Record<string, unknown>;
  inputs: Record<string, unknown>;
  secrets: Record<string, string>;
  needs: Record<string, NeedContext>;
  runner: Record<string, string>;
  /** The `env` context so far: workflow, job and GITHUB_ENV values. */
  env: Record<string, string>;
  steps: Record<string, StepContext>;
  /** The job's status as `success()`/`failure()` see it. */
  status: "success" | "failure" | "cancelled";
  /** Epoch milliseconds at which the job times out. */
  deadline: number;
  timeoutMinutes: number;
  summaries: string[];
  annotations: Annotation[];
}

/** The expression scope of a step (or of the job, with `stepEnv` empty). */
export function scopeOf(
  state: JobState,
  stepEnv: Record<string, string> = {},
  actionId?: string,
): ExpressionScope {
  return {
    contexts: {
      github: actionId === undefined ? state.github : { ...state.github, action: actionId },
      env: { ...state.env, ...stepEnv },
      inputs: state.inputs,
      secrets: state.secrets,
      steps: state.steps,
      needs: state.needs,
      job: { status: state.status, services: {} },
      runner: state.runner,
      matrix: {},
      strategy: {},
      vars: {},
    },
    status: {
      success: () => state.status === "success",
      failure: () => state.status === "failure",
      cancelled: () => state.status === "cancelled",
    },
  };
}
