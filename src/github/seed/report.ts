import type { GraderOutcome } from "./grader-repo.ts";
import type { LedgerOutcome } from "./ledger-repo.ts";

/** What seeding did for one task: its mirror and issue, and what was created or found. */
export interface SeededTask {
  id: string;
  kind: "ic" | "manager";
  price_cents: number;
  title: string;
  /** `<org>/<task-id>`. */
  repository: string;
  issue_number: number;
  issue_url: string;
  created: {
    /** The mirror repository was created (false: it was there). */
    repo: boolean;
    /** The base commit on main: pushed now, already there, or replaced (an older base). */
    content: "pushed" | "unchanged" | "replaced";
    /** The task issue was opened (false: found by its marker). */
    issue: boolean;
    /** Proposal comments posted now; `proposals_found` were there already. */
    proposals: number;
    proposals_found: number;
    /** Agent accounts given push access now. */
    collaborators: string[];
  };
}

export interface SeedTotals {
  tasks: number;
  ic: number;
  manager: number;
  price_cents: number;
  repos_created: number;
  contents_pushed: number;
  issues_created: number;
  issues_found: number;
  proposals_created: number;
  collaborators_added: number;
}

export interface SeedReport {
  org: string;
  server_url: string;
  tasks: SeededTask[];
  /** Tasks of the selection that were left out, and why (e.g. a base not available here). */
  skipped: Array<{ id: string; reason: string }>;
  totals: SeedTotals;
  grader: GraderOutcome;
  ledger: LedgerOutcome;
  requests: {
    /** REST requests sent (retries and token mints included; git over HTTP not counted). */
    total: number;
    /** Content-creating requests among them (POST, PUT, PATCH, DELETE). */
    creating: number;
    retries: number;
    waited_ms: number;
    by_route: Record<string, number>;
  };
  elapsed_ms: number;
}

export function totalsOf(tasks: readonly SeededTask[]): SeedTotals {
  const count = (keep: (t: SeededTask) => boolean) => tasks.filter(keep).length;
  return {
    tasks: tasks.length,
    ic: count((t) => t.kind === "ic"),
    manager: count((t) => t.kind === "manager"),
    price_cents: tasks.reduce((sum, t) => sum + t.price_cents, 0),
    repos_created: count((t) => t.created.repo),
    contents_pushed: count((t) => t.created.content !== "unchanged"),
    issues_created: count((t) => t.created.issue),
    issues_found: count((t) => !t.created.issue),
    proposals_created: tasks.reduce((sum, t) => sum + t.created.proposals, 0),
    collaborators_added: tasks.reduce((sum, t) => sum + t.created.collaborators.length, 0),
  };
}
