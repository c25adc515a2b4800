/** How an attempt ended: a verdict, or not gradable on this machine. */
export type Outcome = "pass" | "fail" | "error" | "not_gradable";

/** Tokens and money an agent spent on an attempt. */
export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  cost_usd?: number;
}

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
  /** The maintainer's pull request review of the attempt, when there is one. */
  client_review?: "approved" | "changes_requested";
  recordedAt: string;
}
