import type { WorkflowStep } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { conditionHolds, tokenStringMap, tokenTruthy } from "./expressions.ts";
import { scopeOf, type JobState } from "./job-state.ts";
import type { RunControl } from "./run-registry.ts";
import { runStep } from "./run-step.ts";
import type { Masker } from "./workflow-commands.ts";

/** The log line prefix the runner writes: a timestamp with seven decimals. */
function stamp(lines: string[]): string {
  const now = new Date().toISOString().replace("Z", "0000Z");
  return lines.map((line) => `${now} ${line}\n`).join("");
}

/** Completes a step record with a conclusion and its (masked, timestamped) log lines. */
export function finishStep(
  record: WorkflowStep,
  conclusion: NonNullable<WorkflowStep["conclusion"]>,
  lines: string[],
  masker: Masker,
): void {
  const now = timestamp();
  record.status = "completed";
  record.conclusion = conclusion;
  record.startedAt ??= now;
  record.completedAt = now;
  record.log += stamp(lines.map((l) => masker.mask(l)));
}

/** Marks a step that never ran as skipped. */
export function skipStep(step: WorkflowStep): void {
  const now = timestamp();
  step.status = "completed";
  step.conclusion = "skipped";
  step.startedAt ??= now;
  step.completedAt ??= now;
}

/** The steps, in order: each `if:` decides, `continue-on-error` keeps the job going. */
export async function runSteps(state: JobState, control: RunControl): Promise<void> {
  const { job, plan, process } = state;
  for (const [index, step] of plan.steps.entries()) {
    const record = job.steps[index + 1]!;
    if (control.cancelled) state.status = "cancelled";
    if (control.stopping) {
      for (const rest of job.steps.slice(index + 1, -1)) skipStep(rest);
      return;
    }
    record.status = "in_progress";
    record.startedAt = timestamp();
    let stepEnv: Record<string, string>;
    let run: boolean;
    try {
      stepEnv = tokenStringMap(step.env, scopeOf(state, {}, step.id));
      run = conditionHolds(step.condition, scopeOf(state, stepEnv, step.id));
    } catch (error) {
      finishStep(record, "failure", [`##[error]${(error as Error).message}`], process.masker);
      if (state.status !== "cancelled") state.status = "failure";
      remember(state, step.id, "failure", "failure", {});
      continue;
    }
    if (!run) {
      finishStep(record, "skipped", [], process.masker);
      remember(state, step.id, "skipped", "skipped", {});
      continue;
    }
    const result = await runStep(state, step, stepEnv);
    let conclusion = result.outcome;
    if (result.outcome === "failure" && step.continueOnError !== undefined) {
      try {
        if (tokenTruthy(step.continueOnError, scopeOf(state, stepEnv, step.id)))
          conclusion = "success";
      } catch (error) {
        result.lines.push(`##[error]${(error as Error).message}`);
      }
    }
    if (conclusion === "failure" && control.cancelled) {
      // The step was killed by the cancel: cancelled, not failed.
      state.status = "cancelled";
      remember(state, step.id, "cancelled", "cancelled", result.outputs);
      finishStep(
        record,
        "cancelled",
        [...result.lines, "##[error]The operation was canceled."],
        process.masker,
      );
      continue;
    }
    remember(state, step.id, result.outcome, conclusion, result.outputs);
    if (conclusion === "failure") {
      if (state.status !== "cancelled") state.status = "failure";
      state.annotations.push({
        level: "error",
        message: result.lines.findLast((l) => l.startsWith("##[error]"))?.slice(9) ?? "failed",
      });
    }
    finishStep(record, conclusion, result.lines, process.masker);
    if (result.jobTimedOut) {
      for (const rest of job.steps.slice(index + 2, -1)) skipStep(rest);
      return;
    }
  }
}

function remember(
  state: JobState,
  id: string,
  outcome: "success" | "failure" | "skipped" | "cancelled",
  conclusion: "success" | "failure" | "skipped" | "cancelled",
  outputs: Record<string, string>,
): void {
  if (id.startsWith("__")) return;
  state.steps[id] = { outputs, outcome, conclusion };
}
