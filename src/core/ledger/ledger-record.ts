import { z } from "zod";
import { TaskId } from "../task/schema.ts";

/**
 * One graded attempt as the app records it on GitHub: a JSON file in the ledger repository,
 * created with the contents API without `sha`, so a second write of the same attempt fails.
 * Decided verdicts live at `entries/<task>/<agent>/<attempt>.json` (one per attempt, ever);
 * grading errors at `errors/<task>/<agent>/<attempt>/<grading-run>.json` (never paid, shown).
 */
export const LedgerRecord = z.object({
  schema: z.literal(1),
  task_id: TaskId,
  kind: z.enum(["ic", "manager"]),
  /** The agent's GitHub login. */
  agent: z.string().min(1),
  attempt: z.number().int().positive(),
  verdict: z.enum(["pass", "fail", "error"]),
  price_cents: z.number().int().nonnegative(),
  /** The price when paid, else 0 (an error is never a $0 result: it is not an entry). */
  payout_cents: z.number().int().nonnegative(),
  /** Why nothing was paid, when nothing was. */
  why: z.string().optional(),
  /** `owner/name` of the task mirror. */
  repository: z.string(),
  pull_request: z.number().int().positive().optional(),
  head_sha: z.string().optional(),
  /** Manager tasks: the proposal chosen. */
  selection: z.number().int().nonnegative().optional(),
  tests_passed: z.number().int().nonnegative().optional(),
  tests_failed: z.number().int().nonnegative().optional(),
  /**
   * The latest review by a maintainer of the mirror (maintain or admin) on the graded commit:
   * recorded beside the test grade (the leaderboard's "client accepted" column).
   */
  client_review: z.enum(["approved", "changes_requested"]).optional(),
  client_reviewer: z.string().optional(),
  client_reviewed_at: z.string().optional(),
  /**
   * `payout: tests-and-review`: the attempt passed and is payable but for the client's
   * approval; the first recorded approval pays it (once) and clears this.
   */
  awaiting_approval: z.boolean().optional(),
  /** When a payout was made after the grading (an approval under tests-and-review). */
  paid_at: z.string().optional(),
  /** Links for people: the check run, the grading workflow run. */
  check_run_url: z.string().optional(),
  workflow_run_url: z.string().optional(),
  graded_at: z.string(),
});
export type LedgerRecord = z.infer<typeof LedgerRecord>;

/** Where a record lives in the ledger repository. */
export function ledgerRecordPath(record: LedgerRecord, gradingRun?: string | number): string {
  const base = `${record.task_id}/${record.agent}/${record.attempt}`;
  if (record.verdict === "error") return `errors/${base}/${gradingRun ?? "0"}.json`;
  return `entries/${base}.json`;
}

/** One task as the leaderboard counts it: what could be earned. */
export const CatalogueTask = z.object({
  id: TaskId,
  kind: z.enum(["ic", "manager"]),
  price_cents: z.number().int().nonnegative(),
  title: z.string().optional(),
  /** `owner/name` of its mirror. */
  repository: z.string().optional(),
  /** Its task issue on the mirror (the app closes it when paid without looking it up). */
  issue_number: z.number().int().positive().optional(),
});
export type CatalogueTask = z.infer<typeof CatalogueTask>;

/** `tasks.json` of the ledger repository, written by `lancer seed`: every task on offer. */
export const Catalogue = z.object({
  schema: z.literal(1),
  org: z.string(),
  tasks: z.array(CatalogueTask),
});
export type Catalogue = z.infer<typeof Catalogue>;
