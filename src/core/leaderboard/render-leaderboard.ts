import type { Catalogue, LedgerRecord } from "../ledger/ledger-record.ts";
import type { BootstrapOptions } from "../stats/bootstrap.ts";
import { renderLeaderboardCsv } from "./leaderboard-csv.ts";
import { renderLeaderboardHtml } from "./leaderboard-html.ts";
import { renderLeaderboardReadme } from "./leaderboard-readme.ts";
import { renderLeaderboardSvg } from "./leaderboard-svg.ts";
import { computeStandings } from "./standings.ts";

export interface LeaderboardFiles {
  /** README.md; shows the chart as `leaderboard.svg`. */
  readme: string;
  svg: string;
  csv: string;
  /** index.html: a static page with the chart, the standings and the per-task table. */
  html: string;
}

/** The ledger repository's front page, chart and CSV: same input, same bytes. */
export function renderLeaderboard(input: {
  catalogue: Catalogue;
  records: readonly LedgerRecord[];
  generatedAt: string;
  /** How the intervals are drawn (default: DEFAULT_BOOTSTRAP). */
  bootstrap?: BootstrapOptions;
}): LeaderboardFiles {
  const standings = computeStandings(input.catalogue, input.records, input.bootstrap);
  return {
    readme: renderLeaderboardReadme(standings, input.catalogue, input.records, input.generatedAt),
    svg: renderLeaderboardSvg(standings),
    csv: renderLeaderboardCsv(standings),
    html: renderLeaderboardHtml({ standings, ...input }),
  };
}
