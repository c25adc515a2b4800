/** How an attempt ended: a verdict, or not gradable on this machine. */
export type Outcome = "pass" | "fail" | "error" | "not_gradable";

/** Tokens and money an agent spent on an attempt. */
export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  cost_usd?: number;
}

/** A maintainer's review of an attempt's pull request: the client's word beside the tests'. */
export type ClientReview = "approved" | "changes_requested";

/** One attempt of one agent on one task in one run: the unit of payment. */
export interface LedgerEntry {
  runId: string;
  agent: string;
  taskId: string;
  attempt: number;
  kind: "ic" | "manager";
  priceCents: number;
  outcome: Outcome;
  reason: string;
  detail: string;
  payoutCents: number;
  testsPassed?: number;
  testsFailed?: number;
  /** Per-run records, JSON. */
  runs?: unknown;
  usage?: Usage;
  /**
   * The latest review of a maintainer of the mirror on the graded commit, when there is one.
   * Recorded beside the test grade; it changes the payout only under `payout: tests-and-review`.
   */
  client_review?: ClientReview;
  recordedAt: string;
}
