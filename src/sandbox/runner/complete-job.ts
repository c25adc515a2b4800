import { updateCheckRun } from "../checks/check-runs.ts";
import type { CheckAnnotation } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { emitWorkflowJobEvent } from "./emit-events.ts";
import { tokenStringMap } from "./expressions.ts";
import { scopeOf, type JobState } from "./job-state.ts";
import type { JobInput } from "./run-job.ts";

/** The job's `outputs:`; a value that would reveal a secret is left out, as on GitHub. */
export function evaluateOutputs(state: JobState, log: string[]): Record<string, string> {
  const values = tokenStringMap(state.plan.outputs, scopeOf(state));
  const outputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (state.process.masker.mask(value) !== value) {
      log.push(`##[warning]Skip output '${name}' since it may contain secret.`);
      continue;
    }
    outputs[name] = value;
  }
  return outputs;
}

/** An annotation as the job keeps it until its check run completes. */
export type JobAnnotation = Pick<CheckAnnotation, "level" | "message" | "title" | "path"> & {
  line?: number;
};

/** The job's annotations, masked, as its check run takes them. */
export function annotationsOf(state: JobState): JobAnnotation[] {
  return state.annotations.map((a) => ({
    level: a.level === "error" ? "failure" : a.level,
    message: state.process.masker.mask(a.message),
    title: a.title ?? null,
    path: a.file ?? ".github",
    line: a.line ?? 1,
  }));
}

/** Marks a job and its check run completed and sends `workflow_job` `completed`. */
export async function completeJob(
  input: JobInput,
  conclusion: "success" | "failure" | "cancelled",
  annotations: JobAnnotation[],
): Promise<void> {
  const { sandbox, repo, job, run } = input;
  job.status = "completed";
  job.conclusion = conclusion;
  job.completedAt = timestamp();
  await updateCheckRun(
    sandbox,
    repo,
    sandbox.store.checkRuns.get(job.checkRunId)!,
    {
      conclusion,
      completedAt: job.completedAt,
      output: {
        title: conclusion === "success" ? null : `${job.name}: ${conclusion}`,
        summary: job.summary ? job.summary : null,
        annotations: annotations.map((a) => ({
          path: a.path,
          startLine: a.line ?? 1,
          endLine: a.line ?? 1,
          startColumn: null,
          endColumn: null,
          level: a.level,
          message: a.message,
          title: a.title,
          rawDetails: null,
        })),
      },
    },
    run.actorId,
  );
  emitWorkflowJobEvent(sandbox, job, "completed");
}
