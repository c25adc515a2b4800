import type { Catalogue, LedgerRecord } from "../ledger/ledger-record.ts";

/** One agent on one task, as the per-task table shows it. */
export interface TaskRow {
  task_id: string;
  title: string;
  kind: "ic" | "manager";
  price_cents: number;
  agent: string;
  /** Decided attempts (pass or fail). */
  attempts: number;
  passed: number;
  /** Gradings that could not decide (never paid). */
  errors: number;
  /** pass when an attempt passed, else fail, else error. */
  verdict: "pass" | "fail" | "error";
  payout_cents: number;
  /** The review of the latest reviewed attempt, when a maintainer reviewed one. */
  client_review?: "approved" | "changes_requested";
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One row per agent and task it has records for, ordered by task id then agent, with the
 * catalogue's terms (the record's own for a task no longer on offer). A task pays once.
 */
export function taskRows(catalogue: Catalogue, records: readonly LedgerRecord[]): TaskRow[] {
  const terms = new Map(catalogue.tasks.map((t) => [t.id, t] as const).reverse());
  const rows = new Map<string, TaskRow & { reviewedAttempt: number }>();
  for (const record of records) {
    const key = `${record.task_id}\0${record.agent}`;
    const task = terms.get(record.task_id);
    const row = rows.get(key) ?? {
      task_id: record.task_id,
      title: task?.title ?? "",
      kind: task?.kind ?? record.kind,
      price_cents: task?.price_cents ?? record.price_cents,
      agent: record.agent,
      attempts: 0,
      passed: 0,
      errors: 0,
      verdict: "error" as const,
      payout_cents: 0,
      reviewedAttempt: 0,
    };
    if (record.verdict === "error") row.errors += 1;
    else row.attempts += 1;
    if (record.verdict === "pass") {
      row.passed += 1;
      row.verdict = "pass";
      row.payout_cents = row.price_cents;
    } else if (record.verdict === "fail" && row.verdict === "error") row.verdict = "fail";
    if (record.client_review && record.attempt >= row.reviewedAttempt) {
      row.client_review = record.client_review;
      row.reviewedAttempt = record.attempt;
    }
    rows.set(key, row);
  }
  return [...rows.values()]
    .sort((a, b) => compareText(a.task_id, b.task_id) || compareText(a.agent, b.agent))
    .map(({ reviewedAttempt, ...row }) => row);
}
