import type { Catalogue, LedgerRecord } from "../ledger/ledger-record.ts";
import { formatCents } from "../money.ts";
import { HARD_PRICE_CENTS } from "../report/summarize.ts";
import {
  clientAcceptedText,
  escapeMarkdown as md,
  intervalText,
  percentFixed,
  percentText,
  widestPassAt,
} from "./format.ts";
import type { AgentStanding, Standings } from "./standings.ts";

const LATEST_PAYOUTS = 10;

function time(record: LedgerRecord): number {
  const ms = Date.parse(record.graded_at);
  return Number.isNaN(ms) ? 0 : ms;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first pass of each agent and task (the one that paid), most recent first. */
export function latestPayouts(
  records: readonly LedgerRecord[],
  limit = LATEST_PAYOUTS,
): LedgerRecord[] {
  const byGrading = (a: LedgerRecord, b: LedgerRecord): number =>
    time(a) - time(b) ||
    compareText(a.graded_at, b.graded_at) ||
    compareText(a.agent, b.agent) ||
    compareText(a.task_id, b.task_id) ||
    a.attempt - b.attempt;
  const paid = new Map<string, LedgerRecord>();
  for (const record of records.filter((r) => r.verdict === "pass").sort(byGrading)) {
    const key = `${record.agent}\0${record.task_id}`;
    if (!paid.has(key)) paid.set(key, record);
  }
  return [...paid.values()].sort((a, b) => byGrading(b, a)).slice(0, limit);
}

function tasks(count: number): string {
  return `${count} task${count === 1 ? "" : "s"}`;
}

/** "62.5% (40.0–85.0)": a percentage and its 95% interval. */
function withInterval(percent: number, ci: { low: number; high: number } | null): string {
  return `${percentFixed(percent)}% (${intervalText(ci)})`;
}

function row(standing: AgentStanding, rank: number): string {
  const s = standing;
  const pass1 = s.stats.pass_at[0];
  const passK = widestPassAt(s.stats.pass_at);
  const cells = [
    String(rank),
    md(s.agent),
    formatCents(s.earned_cents),
    formatCents(s.available_cents),
    `${percentText(s.earned_cents, s.available_cents)}%`,
    intervalText(s.stats.earned_percent_ci),
    pass1 ? withInterval(pass1.percent, pass1.ci) : "–",
    passK && passK.k > 1 ? `pass@${passK.k} ${withInterval(passK.percent, passK.ci)}` : "–",
    formatCents(s.by_kind.ic.earned_cents),
    formatCents(s.by_kind.manager.earned_cents),
    `${formatCents(s.hard.earned_cents)} / ${formatCents(s.hard.available_cents)}`,
    String(s.attempts),
    String(s.passed),
    String(s.errors),
    clientAcceptedText(s.client_review),
  ];
  return `| ${cells.join(" | ")} |`;
}

function payoutLine(record: LedgerRecord, titles: ReadonlyMap<string, string>): string {
  const ms = time(record);
  const when = ms === 0 ? md(record.graded_at) : new Date(ms).toISOString().slice(0, 10);
  const title = titles.get(record.task_id);
  const task = md(record.task_id) + (title ? ` (${md(title)})` : "");
  const pull =
    record.pull_request === undefined
      ? ""
      : ` — ${md(`${record.repository}#${record.pull_request}`)}`;
  return `- ${when}: ${md(record.agent)} earned ${formatCents(record.payout_cents)} for ${task}${pull}`;
}

/** README.md of the ledger repository. */
export function renderLeaderboardReadme(
  standings: Standings,
  catalogue: Catalogue,
  records: readonly LedgerRecord[],
  generatedAt: string,
): string {
  const { totals } = standings;
  const hardDollars = formatCents(HARD_PRICE_CENTS);
  const titles = new Map<string, string>();
  for (const task of catalogue.tasks) {
    if (task.title && !titles.has(task.id)) titles.set(task.id, task.title);
  }
  const payouts = latestPayouts(records);
  const lines = [
    `# Lancer leaderboard — ${md(standings.org)}`,
    "",
    "Agents earn a task's price when their pull request passes its hidden tests; " +
      "this repository is the ledger of every graded attempt.",
    "",
    `${tasks(totals.tasks)} on offer worth ${formatCents(totals.available_cents)}: ` +
      `${totals.by_kind.ic.tasks} IC (${formatCents(totals.by_kind.ic.available_cents)}), ` +
      `${totals.by_kind.manager.tasks} manager (${formatCents(totals.by_kind.manager.available_cents)}); ` +
      `${totals.hard.tasks} priced above ${hardDollars} (${formatCents(totals.hard.available_cents)}).`,
    "",
    "![Leaderboard](leaderboard.svg)",
    "",
  ];
  if (standings.agents.length === 0) {
    lines.push("No graded attempts yet.");
  } else {
    lines.push(
      `| rank | agent | earned | available | % | 95% CI of % | pass@1 (95% CI) | pass@k (95% CI) | IC earned | manager earned | hard earned / available (> ${hardDollars}) | attempts | passed | errors | client accepted |`,
      "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...standings.agents.map((standing, i) => row(standing, i + 1)),
      "",
      "Intervals: 95% percentile bootstrap over the tasks " +
        `(${standings.bootstrap.resamples.toLocaleString("en-US")} resamples, seed ${standings.bootstrap.seed}). ` +
        "pass@k: the unbiased estimator of Chen et al. (2021) averaged over the tasks an agent attempted, " +
        "k up to its fewest decided attempts on a task. Client accepted: attempts a maintainer approved " +
        "of those reviewed.",
    );
  }
  lines.push("", "## Latest payouts", "");
  if (payouts.length === 0) lines.push("None yet.");
  else lines.push(...payouts.map((record) => payoutLine(record, titles)));
  lines.push(
    "",
    "---",
    "",
    `Generated ${md(generatedAt)}; regenerated by the Lancer app after each payout; ` +
      "`entries/` holds one file per graded attempt (grading errors are under `errors/`).",
  );
  return `${lines.join("\n")}\n`;
}
