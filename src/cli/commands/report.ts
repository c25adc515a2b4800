import type { Command } from "commander";
import type { LedgerEntry } from "../../core/ledger/entry.ts";
import { renderLeaderboard } from "../../core/leaderboard/render-leaderboard.ts";
import { LedgerFileError } from "../../core/ledger/open-ledger-file.ts";
import { SqliteLedger } from "../../core/ledger/sqlite-ledger.ts";
import { entriesAsLedger } from "../../core/report/entries-as-ledger.ts";
import { renderGroupsMarkdown } from "../../core/report/render-groups.ts";
import { renderCsv, renderMarkdown } from "../../core/report/render-report.ts";
import { renderStatsMarkdown } from "../../core/report/render-stats.ts";
import { groupEntries, summarizeGroup } from "../../core/report/run-groups.ts";
import { summarize } from "../../core/report/summarize.ts";
import { writeHtmlReport } from "../../core/report/write-html-report.ts";
import { DEFAULT_BOOTSTRAP, type BootstrapOptions } from "../../core/stats/bootstrap.ts";
import { outcomesFromEntries } from "../../core/stats/outcomes-from-entries.ts";
import { statsByTaskSet } from "../../core/stats/task-sets.ts";
import { creatableFolder, DEFAULT_LEDGER, positiveInt } from "../options.ts";
import { printJson, UsageError, type Output } from "../output.ts";
import { bootstrapSeed } from "./bootstrap-seed.ts";

interface ReportOptions {
  ledger: string;
  runId?: string;
  agent?: string;
  format: string;
  json?: boolean;
  seed: number;
  resamples: number;
  html?: string;
}

export function registerReport(program: Command, output: Output): void {
  program
    .command("report")
    .description(
      "summarise a ledger like the official SWE-Lancer report: earned, available, per kind, hard subsets, with pass@k and 95% bootstrap intervals",
    )
    .option("--ledger <file>", "SQLite ledger file", DEFAULT_LEDGER)
    .option("--run-id <id>", "the run to report (default: the most recent)")
    .option("--agent <agent>", "the agent to report (default: the most recent in the run)")
    .option("--format <format>", "md, json or csv", "md")
    .option("--json", "same as --format json")
    .option("--seed <n>", "seed of the bootstrap intervals", bootstrapSeed, DEFAULT_BOOTSTRAP.seed)
    .option("--resamples <n>", "bootstrap resamples", positiveInt, DEFAULT_BOOTSTRAP.resamples)
    .option(
      "--html <dir>",
      "also write the run as a static HTML page (every agent of the run) to <dir>/index.html",
      creatableFolder,
    )
    .action(async (options: ReportOptions) => {
      const format = options.json ? "json" : options.format;
      if (!["md", "json", "csv"].includes(format))
        throw new UsageError(`--format: expected md, json or csv, got "${format}"`);
      const bootstrap: BootstrapOptions = {
        ...DEFAULT_BOOTSTRAP,
        seed: options.seed,
        resamples: options.resamples,
      };
      let ledger: SqliteLedger;
      try {
        // A report reads an existing ledger: a missing or empty file is refused, not created.
        ledger = new SqliteLedger(options.ledger, { flag: "--ledger", create: false });
      } catch (error) {
        if (error instanceof LedgerFileError) throw new UsageError(error.message, { cause: error });
        throw error;
      }
      let entries: LedgerEntry[];
      try {
        entries = ledger.entries();
      } finally {
        ledger.close();
      }
      const groups = groupEntries(entries);
      const selected = groups.find(
        (g) =>
          (!options.runId || g.runId === options.runId) &&
          (!options.agent || g.agent === options.agent),
      );
      if (!selected) {
        const known = groups.map((g) => `${g.runId}/${g.agent}`).join(", ") || "none";
        throw new UsageError(
          `no entries for run ${options.runId ?? "(any)"} and agent ${options.agent ?? "(any)"}; the ledger has: ${known}`,
        );
      }
      const summary = summarize(selected.entries);
      const stats = statsByTaskSet(outcomesFromEntries(selected.entries), bootstrap);
      const leaderboard = groups.map((g) => summarizeGroup(g, bootstrap));
      let htmlFile: string | undefined;
      if (options.html) {
        const run = entries.filter((e) => e.runId === selected.runId);
        const { catalogue, records } = entriesAsLedger(run, `run ${selected.runId}`);
        const generatedAt =
          run
            .map((e) => e.recordedAt)
            .sort()
            .at(-1) ?? "never";
        const { html } = renderLeaderboard({ catalogue, records, generatedAt, bootstrap });
        htmlFile = await writeHtmlReport(options.html, html);
      }
      if (format === "json") {
        printJson(output, {
          run_id: selected.runId,
          agent: selected.agent,
          ...summary,
          stats,
          bootstrap,
          groups: leaderboard,
          ...(htmlFile ? { html_report: htmlFile } : {}),
        });
        return;
      }
      if (format === "csv") output.result(renderCsv(summary, stats));
      else {
        const sections = [
          renderMarkdown(summary, `${selected.agent} (run ${selected.runId})`),
          renderStatsMarkdown(stats, bootstrap),
          ...(leaderboard.length > 1 ? [renderGroupsMarkdown(leaderboard)] : []),
        ];
        output.result(sections.join("\n"));
      }
      // The CSV stays parseable: the page's path goes to stderr there.
      if (htmlFile && format === "csv") output.info(`HTML report: ${htmlFile}`);
      else if (htmlFile) output.result(`HTML report: ${htmlFile}`);
    });
}
