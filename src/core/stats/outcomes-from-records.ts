import type { Catalogue, LedgerRecord } from "../ledger/ledger-record.ts";
import type { TaskOutcome } from "./task-outcome.ts";

/**
 * The task outcomes of one agent in the ledger repository: every task on offer (unattempted
 * ones earned $0), plus tasks it was paid for that are no longer on offer (earned, never
 * available), as the standings count them. Grading errors are no attempt.
 */
export function outcomesFromRecords(
  catalogue: Catalogue,
  records: readonly LedgerRecord[],
  agent: string,
): TaskOutcome[] {
  const tasks = new Map<string, TaskOutcome>();
  for (const task of catalogue.tasks) {
    if (tasks.has(task.id)) continue;
    tasks.set(task.id, {
      task_id: task.id,
      kind: task.kind,
      price_cents: task.price_cents,
      available_cents: task.price_cents,
      on_offer: true,
      earned_cents: 0,
      attempts: 0,
      passes: 0,
    });
  }
  for (const record of records) {
    if (record.agent !== agent || record.verdict === "error") continue;
    let task = tasks.get(record.task_id);
    if (!task) {
      task = {
        task_id: record.task_id,
        kind: record.kind,
        price_cents: record.price_cents,
        available_cents: 0,
        on_offer: false,
        earned_cents: 0,
        attempts: 0,
        passes: 0,
      };
      tasks.set(record.task_id, task);
    }
    task.attempts += 1;
    if (record.verdict === "pass") {
      task.passes += 1;
      task.earned_cents = task.price_cents;
    }
  }
  return [...tasks.values()];
}
