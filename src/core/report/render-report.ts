import { stringify } from "csv-stringify/sync";
import { percentFixed } from "../leaderboard/format.ts";
import { formatCents } from "../money.ts";
import type { TaskSetStats } from "../stats/task-set-stats.ts";
import type { TaskSet } from "../stats/task-sets.ts";
import type { KindSummary, Summary } from "./summarize.ts";

function percent(part: number, whole: number): string {
  return whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`;
}

function scopes(summary: Summary): Array<[string, KindSummary]> {
  return [
    ["all", summary],
    ["ic", summary.by_kind.ic],
    ["manager", summary.by_kind.manager],
    ["ic_hard", summary.hard.ic],
    ["manager_hard", summary.hard.manager],
  ];
}

/** The summary as a Markdown table, one row per scope. */
export function renderMarkdown(summary: Summary, title = "Lancer report"): string {
  const lines = [
    `## ${title}`,
    "",
    `Earned **${formatCents(summary.earned_cents)}** of ${formatCents(summary.available_cents)} ` +
      `(${percent(summary.earned_cents, summary.available_cents)}).`,
    "",
    "| scope | tasks | passed | failed | errors | not gradable here | earned | available | earned % |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...scopes(summary).map(
      ([name, s]) =>
        `| ${name} | ${s.tasks} | ${s.passed} | ${s.failed} | ${s.errors} | ${s.not_gradable} | ` +
        `${formatCents(s.earned_cents)} | ${formatCents(s.available_cents)} | ${percent(s.earned_cents, s.available_cents)} |`,
    ),
  ];
  const { prompt_tokens, completion_tokens, cost_usd } = summary.usage;
  if (prompt_tokens + completion_tokens > 0 || cost_usd > 0) {
    lines.push(
      "",
      `Model usage: ${prompt_tokens} prompt tokens, ${completion_tokens} completion tokens, $${cost_usd.toFixed(4)}.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** "" for no value: an empty cell rather than a made-up number. */
function fixed(percent: number | undefined): string {
  return percent === undefined ? "" : percentFixed(percent);
}

/** The summary as CSV, one row per scope, with its statistics when given (percent, one decimal). */
export function renderCsv(summary: Summary, stats?: Record<TaskSet, TaskSetStats>): string {
  return stringify(
    scopes(summary).map(([scope, s]) => {
      const st = stats?.[scope as TaskSet];
      return {
        scope,
        tasks: s.tasks,
        passed: s.passed,
        failed: s.failed,
        errors: s.errors,
        not_gradable: s.not_gradable,
        earned_cents: s.earned_cents,
        available_cents: s.available_cents,
        gradable_cents: s.gradable_cents,
        ...(stats
          ? {
              earned_percent: fixed(st?.earned_percent),
              earned_percent_ci_low: fixed(st?.earned_percent_ci?.low),
              earned_percent_ci_high: fixed(st?.earned_percent_ci?.high),
              tasks_attempted: st?.tasks_attempted ?? "",
              pass_at_1: fixed(st?.pass_at[0]?.percent),
              pass_at_1_ci_low: fixed(st?.pass_at[0]?.ci?.low),
              pass_at_1_ci_high: fixed(st?.pass_at[0]?.ci?.high),
            }
          : {}),
      };
    }),
    { header: true },
  );
}
