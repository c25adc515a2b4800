import type { LedgerEntry } from "../ledger/entry.ts";
import type { Catalogue, LedgerRecord } from "../ledger/ledger-record.ts";

/**
 * One run of the local ledger in the shape of the ledger repository, so that the leaderboard
 * renderers draw it: every task with an entry is on offer (not gradable ones too, as the
 * report counts them available), every graded entry is a record.
 */
export function entriesAsLedger(
  entries: readonly LedgerEntry[],
  name: string,
): { catalogue: Catalogue; records: LedgerRecord[] } {
  const tasks = new Map<string, Catalogue["tasks"][number]>();
  const records: LedgerRecord[] = [];
  for (const entry of entries) {
    if (!tasks.has(entry.taskId))
      tasks.set(entry.taskId, {
        id: entry.taskId,
        kind: entry.kind,
        price_cents: entry.priceCents,
      });
    if (entry.outcome === "not_gradable") continue;
    records.push({
      schema: 1,
      task_id: entry.taskId,
      kind: entry.kind,
      agent: entry.agent,
      attempt: entry.attempt,
      verdict: entry.outcome,
      price_cents: entry.priceCents,
      payout_cents: entry.payoutCents,
      repository: "",
      ...(entry.testsPassed !== undefined ? { tests_passed: entry.testsPassed } : {}),
      ...(entry.testsFailed !== undefined ? { tests_failed: entry.testsFailed } : {}),
      ...(entry.client_review ? { client_review: entry.client_review } : {}),
      graded_at: entry.recordedAt,
    });
  }
  return { catalogue: { schema: 1, org: name, tasks: [...tasks.values()] }, records };
}
