import type { LedgerEntry } from "../ledger/entry.ts";
import type { TaskOutcome } from "./task-outcome.ts";

/**
 * The task outcomes of one agent in one run of the local ledger: every task it has an entry
 * for (not gradable and errored ones included, with no decided attempt), paid at most once.
 */
export function outcomesFromEntries(entries: readonly LedgerEntry[]): TaskOutcome[] {
  const tasks = new Map<string, TaskOutcome>();
  for (const entry of entries) {
    const task = tasks.get(entry.taskId) ?? {
      task_id: entry.taskId,
      kind: entry.kind,
      price_cents: entry.priceCents,
      available_cents: entry.priceCents,
      on_offer: true,
      earned_cents: 0,
      attempts: 0,
      passes: 0,
    };
    if (entry.outcome === "pass" || entry.outcome === "fail") task.attempts += 1;
    if (entry.outcome === "pass") task.passes += 1;
    task.earned_cents = Math.max(task.earned_cents, entry.payoutCents);
    tasks.set(entry.taskId, task);
  }
  return [...tasks.values()];
}
