import type { LedgerEntry, Usage } from "../ledger/entry.ts";

/** Tasks priced above $300 form the "hard" subsets of the official SWE-Lancer summary. */
export const HARD_PRICE_CENTS = 300_00;

export interface KindSummary {
  tasks: number;
  passed: number;
  failed: number;
  errors: number;
  not_gradable: number;
  earned_cents: number;
  /** Sum of the prices of every task, gradable here or not. */
  available_cents: number;
  /** Sum of the prices of the tasks that could be graded here. */
  gradable_cents: number;
}

export interface Summary extends KindSummary {
  by_kind: { ic: KindSummary; manager: KindSummary };
  hard: { ic: KindSummary; manager: KindSummary };
  usage: Required<Usage>;
}

function emptyKind(): KindSummary {
  return {
    tasks: 0,
    passed: 0,
    failed: 0,
    errors: 0,
    not_gradable: 0,
    earned_cents: 0,
    available_cents: 0,
    gradable_cents: 0,
  };
}

function add(summary: KindSummary, entry: LedgerEntry): void {
  summary.tasks += 1;
  summary.available_cents += entry.priceCents;
  summary.earned_cents += entry.payoutCents;
  if (entry.outcome === "not_gradable") summary.not_gradable += 1;
  else summary.gradable_cents += entry.priceCents;
  if (entry.outcome === "pass") summary.passed += 1;
  if (entry.outcome === "fail") summary.failed += 1;
  if (entry.outcome === "error") summary.errors += 1;
}

/**
 * Sums ledger entries the way the official SWE-Lancer report does: totals, per kind (IC,
 * manager) and the hard subsets (price above $300). Counts the latest attempt of each task.
 */
export function summarize(entries: readonly LedgerEntry[]): Summary {
  const latest = new Map<string, LedgerEntry>();
  for (const entry of entries) {
    const key = `${entry.runId}\0${entry.agent}\0${entry.taskId}`;
    const seen = latest.get(key);
    // A task pays at most once: keep the paid attempt, else the latest one.
    if (
      !seen ||
      (seen.payoutCents === 0 && (entry.payoutCents > 0 || entry.attempt > seen.attempt))
    ) {
      latest.set(key, entry);
    }
  }
  const all = emptyKind();
  const byKind = { ic: emptyKind(), manager: emptyKind() };
  const hard = { ic: emptyKind(), manager: emptyKind() };
  const usage = { prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 };
  for (const entry of latest.values()) {
    add(all, entry);
    add(byKind[entry.kind], entry);
    if (entry.priceCents > HARD_PRICE_CENTS) add(hard[entry.kind], entry);
  }
  for (const entry of entries) {
    usage.prompt_tokens += entry.usage?.prompt_tokens ?? 0;
    usage.completion_tokens += entry.usage?.completion_tokens ?? 0;
    usage.cost_usd += entry.usage?.cost_usd ?? 0;
  }
  return { ...all, by_kind: byKind, hard, usage };
}
