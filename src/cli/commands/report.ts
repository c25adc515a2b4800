import type { Command } from "commander";
import type { LedgerEntry } from "../../core/ledger/entry.ts";
import { LedgerFileError } from "../../core/ledger/open-ledger-file.ts";
import { SqliteLedger } from "../../core/ledger/sqlite-ledger.ts";
import { formatCents } from "../../core/money.ts";
import { renderCsv, renderMarkdown } from "../../core/report/render-report.ts";
import { summarize } from "../../core/report/summarize.ts";
import { DEFAULT_LEDGER } from "../options.ts";
import { printJson, UsageError, type Output } from "../output.ts";

interface ReportOptions {
  ledger: string;
  runId?: string;
  agent?: string;
  format: string;
  json?: boolean;
}

/** Groups entries by (run, agent), the most recently recorded group first. */
function groupEntries(
  entries: readonly LedgerEntry[],
): Array<{ runId: string; agent: string; entries: LedgerEntry[] }> {
  const groups = new Map<
    string,
    { runId: string; agent: string; entries: LedgerEntry[]; last: string }
  >();
  for (const e of entries) {
    const key = `${e.runId}\0${e.agent}`;
    const group = groups.get(key) ?? { runId: e.runId, agent: e.agent, entries: [], last: "" };
    group.entries.push(e);
    if (e.recordedAt > group.last) group.last = e.recordedAt;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => (a.last < b.last ? 1 : -1));
}

export function registerReport(program: Command, output: Output): void {
  program
    .command("report")
    .description(
      "summarise a ledger like the official SWE-Lancer report: earned, available, per kind, hard subsets",
    )
    .option("--ledger <file>", "SQLite ledger file", DEFAULT_LEDGER)
    .option("--run-id <id>", "the run to report (default: the most recent)")
    .option("--agent <agent>", "the agent to report (default: the most recent in the run)")
    .option("--format <format>", "md, json or csv", "md")
    .option("--json", "same as --format json")
    .action((options: ReportOptions) => {
      const format = options.json ? "json" : options.format;
      if (!["md", "json", "csv"].includes(format))
        throw new UsageError(`--format: expected md, json or csv, got "${format}"`);
      let ledger: SqliteLedger;
      try {
        // A report reads an existing ledger: a missing or empty file is refused, not created.
        ledger = new SqliteLedger(options.ledger, { flag: "--ledger", create: false });
      } catch (error) {
        if (error instanceof LedgerFileError) throw new UsageError(error.message, { cause: error });
        throw error;
      }
      try {
        const groups = groupEntries(ledger.entries());
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
        const leaderboard = groups.map((g) => {
          const s = summarize(g.entries);
          return {
            run_id: g.runId,
            agent: g.agent,
            earned_cents: s.earned_cents,
            available_cents: s.available_cents,
            passed: s.passed,
            tasks: s.tasks,
            usage: s.usage,
          };
        });
        if (format === "json") {
          printJson(output, {
            run_id: selected.runId,
            agent: selected.agent,
            ...summary,
            groups: leaderboard,
          });
        } else if (format === "csv") {
          output.result(renderCsv(summary));
        } else {
          output.result(renderMarkdown(summary, `${selected.agent} (run ${selected.runId})`));
          if (leaderboard.length > 1) {
            output.result("### All runs in this ledger\n");
            output.result(
              "| run | agent | tasks | passed | earned | available | model tokens | model cost |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            );
            for (const g of leaderboard) {
              const tokens = g.usage.prompt_tokens + g.usage.completion_tokens;
              output.result(
                `| ${g.run_id} | ${g.agent} | ${g.tasks} | ${g.passed} | ${formatCents(g.earned_cents)} | ${formatCents(g.available_cents)} | ${tokens} | $${g.usage.cost_usd.toFixed(4)} |`,
              );
            }
          }
        }
      } finally {
        ledger.close();
      }
    });
}
