import { HARD_PRICE_CENTS } from "../report/summarize.ts";
import { DEFAULT_BOOTSTRAP, type BootstrapOptions } from "./bootstrap.ts";
import type { TaskOutcome } from "./task-outcome.ts";
import { taskSetStats, type TaskSetStats } from "./task-set-stats.ts";

/** The task sets of the official SWE-Lancer summary, as the report names them. */
export const TASK_SETS = ["all", "ic", "manager", "ic_hard", "manager_hard"] as const;
export type TaskSet = (typeof TASK_SETS)[number];

function inSet(set: TaskSet, task: TaskOutcome): boolean {
  if (set === "all") return true;
  const kind = set.startsWith("ic") ? "ic" : "manager";
  return task.kind === kind && (!set.endsWith("_hard") || task.price_cents > HARD_PRICE_CENTS);
}

/** One agent's statistics on every task set (each set resampled on its own, same seed). */
export function statsByTaskSet(
  outcomes: readonly TaskOutcome[],
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Record<TaskSet, TaskSetStats> {
  const entries = TASK_SETS.map(
    (set) =>
      [
        set,
        taskSetStats(
          outcomes.filter((t) => inSet(set, t)),
          options,
        ),
      ] as const,
  );
  return Object.fromEntries(entries) as Record<TaskSet, TaskSetStats>;
}
