import { intervalText, percentFixed, widestPassAt } from "../leaderboard/format.ts";
import type { BootstrapOptions } from "../stats/bootstrap.ts";
import type { PassAtK, TaskSetStats } from "../stats/task-set-stats.ts";
import type { TaskSet } from "../stats/task-sets.ts";

/** "62.5% (40.0–85.0)": a percentage and its interval, "–" when there is none. */
export function percentWithInterval(
  value: { percent: number; ci: { low: number; high: number } | null } | undefined,
): string {
  return value ? `${percentFixed(value.percent)}% (${intervalText(value.ci)})` : "–";
}

function passAtKCell(passAt: readonly PassAtK[]): string {
  const widest = widestPassAt(passAt);
  return widest && widest.k > 1 ? `pass@${widest.k} ${percentWithInterval(widest)}` : "–";
}

/** The statistics of one agent's run, one row per task set, with a line on how to read them. */
export function renderStatsMarkdown(
  stats: Record<TaskSet, TaskSetStats>,
  bootstrap: BootstrapOptions,
): string {
  const level = `${Math.round(bootstrap.confidence * 100)}%`;
  return [
    "### Statistics",
    "",
    `| task set | tasks | earned % (${level} CI) | attempted | pass@1 (${level} CI) | pass@k (${level} CI) |`,
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...Object.entries(stats).map(
      ([set, s]) =>
        `| ${set} | ${s.tasks} | ${percentWithInterval({ percent: s.earned_percent, ci: s.earned_percent_ci })} | ` +
        `${s.tasks_attempted} | ${percentWithInterval(s.pass_at[0])} | ${passAtKCell(s.pass_at)} |`,
    ),
    "",
    `Intervals: ${level} percentile bootstrap over the tasks of each set (${bootstrap.resamples.toLocaleString("en-US")} ` +
      `resamples, seed ${bootstrap.seed}; \`--seed\`, \`--resamples\`). pass@k: the unbiased estimator of ` +
      "Chen et al. (2021) over the attempted tasks, k up to the fewest decided attempts on one of them.",
    "",
  ].join("\n");
}
