import {
  DEFAULT_BOOTSTRAP,
  percentileBootstrap,
  type BootstrapOptions,
  type Interval,
} from "./bootstrap.ts";
import { passAtK } from "./pass-at-k.ts";
import type { TaskOutcome } from "./task-outcome.ts";

/** pass@k over the attempted tasks of a set, in percent, with its bootstrap interval. */
export interface PassAtK {
  k: number;
  percent: number;
  ci: Interval | null;
}

/** One agent on one set of tasks. Percentages are 0–100; intervals are in percent too. */
export interface TaskSetStats {
  tasks: number;
  earned_cents: number;
  available_cents: number;
  /** 100 × earned / available; 0 when nothing is available. */
  earned_percent: number;
  earned_percent_ci: Interval | null;
  /** Tasks with at least one decided attempt: the tasks pass@k averages over. */
  tasks_attempted: number;
  /** k = 1 up to the fewest decided attempts on any attempted task (empty when none). */
  pass_at: PassAtK[];
}

function percentOf(part: number, whole: number): number {
  return whole === 0 ? 0 : (100 * part) / whole;
}

/** Tasks in code-unit order of their ids, so that resamples do not depend on input order. */
function byId(a: TaskOutcome, b: TaskOutcome): number {
  return a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : 0;
}

/**
 * Earned share and pass@k of one agent on a set of tasks, each with a percentile bootstrap
 * interval over the tasks: earned % resamples every task of the set on offer (an unattempted
 * task earned $0), pass@k resamples the attempted ones (the per-task estimates are averaged).
 */
export function taskSetStats(
  outcomes: readonly TaskOutcome[],
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): TaskSetStats {
  const tasks = [...outcomes].sort(byId);
  const offered = tasks.filter((t) => t.on_offer);
  const earned = Float64Array.from(offered, (t) => t.earned_cents);
  const available = Float64Array.from(offered, (t) => t.available_cents);
  const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);
  const offOffer = sum(tasks.filter((t) => !t.on_offer).map((t) => t.earned_cents));
  const earnedCents = sum(earned) + offOffer;
  const availableCents = sum(available);
  const earnedPercent = (w: Uint32Array) => {
    let e = offOffer;
    let a = 0;
    for (let i = 0; i < w.length; i += 1) {
      e += w[i]! * earned[i]!;
      a += w[i]! * available[i]!;
    }
    return percentOf(e, a);
  };

  const attempted = tasks.filter((t) => t.attempts > 0);
  const maxK = attempted.length === 0 ? 0 : Math.min(...attempted.map((t) => t.attempts));
  const ks = Array.from({ length: maxK }, (_, i) => i + 1);
  const perTask = ks.map((k) =>
    Float64Array.from(attempted, (t) => passAtK(t.attempts, t.passes, k)),
  );
  const mean = (column: Float64Array, w: Uint32Array) => {
    let sum = 0;
    for (let i = 0; i < w.length; i += 1) sum += w[i]! * column[i]!;
    return (100 * sum) / attempted.length;
  };
  const passAt = (w: Uint32Array) => perTask.map((column) => mean(column, w));

  // Same seed and same count draw the same resamples: when every task on offer was attempted
  // (the usual case), one pass over the draws gives both intervals, as two passes would.
  const same = attempted.length === offered.length && attempted.every((t, i) => t === offered[i]);
  let earnedCi: Interval | null | undefined;
  let passCi: Array<Interval | null>;
  if (same) {
    [earnedCi, ...passCi] = percentileBootstrap(
      offered.length,
      (w) => [earnedPercent(w), ...passAt(w)],
      options,
    );
  } else {
    [earnedCi] = percentileBootstrap(offered.length, (w) => [earnedPercent(w)], options);
    passCi = percentileBootstrap(attempted.length, passAt, options);
  }
  const ones = new Uint32Array(attempted.length).fill(1);
  return {
    tasks: tasks.length,
    earned_cents: earnedCents,
    available_cents: availableCents,
    earned_percent: percentOf(earnedCents, availableCents),
    earned_percent_ci: earnedCi ?? null,
    tasks_attempted: attempted.length,
    pass_at: ks.map((k, i) => ({ k, percent: mean(perTask[i]!, ones), ci: passCi[i] ?? null })),
  };
}
