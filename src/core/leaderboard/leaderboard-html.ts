import type { Catalogue, LedgerRecord } from "../ledger/ledger-record.ts";
import { formatCents } from "../money.ts";
import {
  clientAcceptedText,
  escapeXml,
  intervalText,
  percentFixed,
  percentText,
  widestPassAt,
} from "./format.ts";
import { renderLeaderboardSvg } from "./leaderboard-svg.ts";
import type { AgentStanding, Standings } from "./standings.ts";
import { taskRows, type TaskRow } from "./task-rows.ts";

// The XML escapes (&amp; &lt; &gt; &quot; &apos;) are valid HTML in text and quoted attributes.
const h = escapeXml;

// No script, no outside resource: the page is data only, even if a title smuggles markup in.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
thead th { background: #f6f8fa; }
.pass { color: #1a7f37; } .fail { color: #cf222e; } .error { color: #9a6700; }
.note { color: #59636e; font-size: 0.9rem; }
svg { max-width: 100%; height: auto; }
`;

function cells(values: Array<[string, boolean?]>, tag = "td"): string {
  return values
    .map(([text, numeric]) => `<${tag}${numeric ? ' class="n"' : ""}>${text}</${tag}>`)
    .join("");
}

function withInterval(percent: number, ci: { low: number; high: number } | null): string {
  return `${percentFixed(percent)}% (${intervalText(ci)})`;
}

function standingRow(s: AgentStanding, rank: number): string {
  const pass1 = s.stats.pass_at[0];
  const passK = widestPassAt(s.stats.pass_at);
  return `<tr data-agent="${h(s.agent)}">${cells([
    [String(rank), true],
    [h(s.agent)],
    [formatCents(s.earned_cents), true],
    [formatCents(s.available_cents), true],
    [`${percentText(s.earned_cents, s.available_cents)}%`, true],
    [intervalText(s.stats.earned_percent_ci), true],
    [pass1 ? withInterval(pass1.percent, pass1.ci) : "–", true],
    [passK && passK.k > 1 ? `pass@${passK.k} ${withInterval(passK.percent, passK.ci)}` : "–", true],
    [String(s.attempts), true],
    [String(s.passed), true],
    [String(s.errors), true],
    [clientAcceptedText(s.client_review), true],
  ])}</tr>`;
}

const REVIEW_TEXT = { approved: "approved", changes_requested: "changes requested" } as const;

function taskRow(row: TaskRow): string {
  return `<tr data-task="${h(row.task_id)}" data-agent="${h(row.agent)}">${cells([
    [h(row.task_id)],
    [h(row.title)],
    [row.kind === "ic" ? "IC" : "manager"],
    [formatCents(row.price_cents), true],
    [h(row.agent)],
    [String(row.attempts), true],
    [String(row.passed), true],
    [`<span class="${row.verdict}">${row.verdict}</span>`],
    [formatCents(row.payout_cents), true],
    [row.client_review ? REVIEW_TEXT[row.client_review] : "–"],
  ])}</tr>`;
}

/**
 * The leaderboard as one static HTML page: the chart (inline SVG), the standings with their
 * intervals, and one row per agent and task. Every task and agent text is escaped; the page
 * loads nothing and runs nothing.
 */
export function renderLeaderboardHtml(input: {
  standings: Standings;
  catalogue: Catalogue;
  records: readonly LedgerRecord[];
  generatedAt: string;
}): string {
  const { standings } = input;
  const title = `Lancer leaderboard — ${standings.org}`;
  const { resamples, seed, confidence } = standings.bootstrap;
  const rows = taskRows(input.catalogue, input.records);
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    `<h1>${h(title)}</h1>`,
    `<p>${standings.totals.tasks} tasks on offer worth ${formatCents(standings.totals.available_cents)}.</p>`,
    `<figure id="chart">${renderLeaderboardSvg(standings)}</figure>`,
    "<h2>Standings</h2>",
    '<table id="standings">',
    `<thead><tr>${cells(
      [
        ["rank", true],
        ["agent"],
        ["earned", true],
        ["available", true],
        ["%", true],
        [`${Math.round(confidence * 100)}% CI of %`, true],
        ["pass@1 (CI)", true],
        ["pass@k (CI)", true],
        ["attempts", true],
        ["passed", true],
        ["errors", true],
        ["client accepted", true],
      ],
      "th",
    )}</tr></thead>`,
    `<tbody>${standings.agents.map((s, i) => standingRow(s, i + 1)).join("\n")}</tbody>`,
    "</table>",
    `<p class="note">Intervals: ${Math.round(confidence * 100)}% percentile bootstrap over the tasks ` +
      `(${resamples.toLocaleString("en-US")} resamples, seed ${seed}). pass@k: the unbiased estimator ` +
      "of Chen et al. (2021), averaged over the tasks an agent attempted, k up to its fewest decided " +
      "attempts on a task. Client accepted: attempts a maintainer approved of those reviewed.</p>",
    "<h2>Tasks</h2>",
    '<table id="tasks">',
    `<thead><tr>${cells(
      [
        ["task"],
        ["title"],
        ["kind"],
        ["price", true],
        ["agent"],
        ["attempts", true],
        ["passed", true],
        ["verdict"],
        ["payout", true],
        ["client review"],
      ],
      "th",
    )}</tr></thead>`,
    `<tbody>${rows.map(taskRow).join("\n")}</tbody>`,
    "</table>",
    `<p class="note">Generated ${h(input.generatedAt)}.</p>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
