import type { LedgerEntry, Usage } from "../ledger/entry.ts";
import { DEFAULT_BOOTSTRAP, type BootstrapOptions } from "../stats/bootstrap.ts";
import { outcomesFromEntries } from "../stats/outcomes-from-entries.ts";
import { taskSetStats, type TaskSetStats } from "../stats/task-set-stats.ts";
import { summarize } from "./summarize.ts";

/** The entries of one agent in one run of the local ledger. */
export interface RunGroup {
  runId: string;
  agent: string;
  entries: LedgerEntry[];
}

/** One agent in one run, as the report's list of every run shows it: nothing summed across agents. */
export interface GroupSummary {
  run_id: string;
  agent: string;
  earned_cents: number;
  available_cents: number;
  passed: number;
  tasks: number;
  usage: Required<Usage>;
  /** Earned % and pass@k on every task of the run, with bootstrap intervals. */
  stats: TaskSetStats;
  /** Decided attempts a maintainer reviewed, and those approved; absent when none was. */
  client_review?: { reviewed: number; approved: number };
}

/** Groups entries by (run, agent), the most recently recorded group first. */
export function groupEntries(entries: readonly LedgerEntry[]): RunGroup[] {
  const groups = new Map<string, RunGroup & { last: string }>();
  for (const e of entries) {
    const key = `${e.runId}\0${e.agent}`;
    const group = groups.get(key) ?? { runId: e.runId, agent: e.agent, entries: [], last: "" };
    group.entries.push(e);
    if (e.recordedAt > group.last) group.last = e.recordedAt;
    groups.set(key, group);
  }
  return (
    [...groups.values()]
      // Ties keep the ledger's order (a stable sort), so the same ledger prints the same report.
      .sort((a, b) => (a.last < b.last ? 1 : a.last > b.last ? -1 : 0))
      .map(({ last, ...group }) => group)
  );
}

/** The totals and statistics of one (run, agent) group. */
export function summarizeGroup(
  group: RunGroup,
  bootstrap: BootstrapOptions = DEFAULT_BOOTSTRAP,
): GroupSummary {
  const s = summarize(group.entries);
  const decided = group.entries.filter((e) => e.outcome === "pass" || e.outcome === "fail");
  const reviewed = decided.filter((e) => e.client_review !== undefined);
  return {
    run_id: group.runId,
    agent: group.agent,
    earned_cents: s.earned_cents,
    available_cents: s.available_cents,
    passed: s.passed,
    tasks: s.tasks,
    usage: s.usage,
    stats: taskSetStats(outcomesFromEntries(group.entries), bootstrap),
    ...(reviewed.length > 0
      ? {
          client_review: {
            reviewed: reviewed.length,
            approved: reviewed.filter((e) => e.client_review === "approved").length,
          },
        }
      : {}),
  };
}
