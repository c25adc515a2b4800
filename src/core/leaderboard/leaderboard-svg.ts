import { formatCents } from "../money.ts";
import { escapeXml, intervalText, percentText } from "./format.ts";
import type { AgentStanding, Standings } from "./standings.ts";

const WIDTH = 720;
const PAD = 16;
const TOP = 48;
const ROW = 44;
const BAR_HEIGHT = 14;
const BAR_WIDTH = WIDTH - 2 * PAD;
const FONT = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif";

/** "login — $X of $Y (Z%, 95% CI L–H%)" */
export function barLabel(standing: AgentStanding): string {
  const ci = standing.stats.earned_percent_ci;
  return (
    `${standing.agent} — ${formatCents(standing.earned_cents)} of ` +
    `${formatCents(standing.available_cents)} ` +
    `(${percentText(standing.earned_cents, standing.available_cents)}%` +
    `${ci ? `, 95% CI ${intervalText(ci)}%` : ""})`
  );
}

/** The interval as a whisker across the bar: a line from low to high with end caps. */
function whisker(ci: { low: number; high: number } | null, y: number): string[] {
  if (!ci) return [];
  const x = (percent: number) =>
    (PAD + (Math.min(100, Math.max(0, percent)) / 100) * BAR_WIDTH).toFixed(1);
  const mid = y + 20 + BAR_HEIGHT / 2;
  const cap = (at: string) =>
    `  <line x1="${at}" y1="${mid - 5}" x2="${at}" y2="${mid + 5}" stroke="#1f2328" stroke-width="1.5"/>`;
  return [
    `  <line x1="${x(ci.low)}" y1="${mid}" x2="${x(ci.high)}" y2="${mid}" stroke="#1f2328" stroke-width="1.5"/>`,
    cap(x(ci.low)),
    cap(x(ci.high)),
  ];
}

function bar(standing: AgentStanding, index: number): string[] {
  const y = TOP + index * ROW;
  const share =
    standing.available_cents === 0
      ? 0
      : Math.min(1, Math.max(0, standing.earned_cents / standing.available_cents));
  return [
    `  <text x="${PAD}" y="${y + 14}" font-size="13">${escapeXml(barLabel(standing))}</text>`,
    `  <rect x="${PAD}" y="${y + 20}" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" rx="3" fill="#e5e7eb"/>`,
    `  <rect x="${PAD}" y="${y + 20}" width="${(share * BAR_WIDTH).toFixed(1)}" height="${BAR_HEIGHT}" rx="3" fill="#2da44e"/>`,
    ...whisker(standing.stats.earned_percent_ci, y),
  ];
}

/**
 * A self-contained horizontal bar chart: each agent's earnings as a share of what is on offer,
 * with its 95% bootstrap interval as a whisker.
 */
export function renderLeaderboardSvg(standings: Standings): string {
  const title = `Lancer leaderboard — ${standings.org}`;
  const rows = Math.max(1, standings.agents.length);
  const height = TOP + rows * ROW;
  const body =
    standings.agents.length === 0
      ? [`  <text x="${PAD}" y="${TOP + 14}" font-size="13">No payouts yet</text>`]
      : standings.agents.flatMap(bar);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" font-family="${FONT}" fill="#1f2328">`,
    `  <title>${escapeXml(`${title}: earned share of the prices on offer, per agent, with 95% intervals`)}</title>`,
    `  <rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `  <text x="${PAD}" y="28" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}
