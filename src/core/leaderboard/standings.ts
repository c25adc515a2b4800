import type { Catalogue, CatalogueTask, LedgerRecord } from "../ledger/ledger-record.ts";
import { HARD_PRICE_CENTS } from "../report/summarize.ts";
import { DEFAULT_BOOTSTRAP, type BootstrapOptions } from "../stats/bootstrap.ts";
import { outcomesFromRecords } from "../stats/outcomes-from-records.ts";
import { taskSetStats, type TaskSetStats } from "../stats/task-set-stats.ts";

type Kind = LedgerRecord["kind"];

export interface KindStanding {
  earned_cents: number;
  /** Sum of the prices of the catalogue tasks of this kind. */
  available_cents: number;
  /** Distinct tasks of this kind passed. */
  passed: number;
}

export interface AgentStanding {
  /** GitHub login. */
  agent: string;
  earned_cents: number;
  /** Sum of the prices of every catalogue task: the same for every agent. */
  available_cents: number;
  /** 100 × earned / available, unrounded; 0 when nothing is available. */
  percent: number;
  by_kind: Record<Kind, KindStanding>;
  /** Tasks priced above $300. */
  hard: { earned_cents: number; available_cents: number };
  /** Decided attempts: records with verdict pass or fail. */
  attempts: number;
  /** Distinct tasks passed (a duplicate pass record counts once). */
  passed: number;
  /** Records with verdict fail. */
  failed: number;
  /** Records with verdict error (never paid). */
  errors: number;
  /** Decided attempts a maintainer reviewed on the pull request, and those approved. */
  client_review: { reviewed: number; approved: number };
  /** Earned % and pass@k on every task on offer, with bootstrap intervals over the tasks. */
  stats: TaskSetStats;
}

export interface OfferTotals {
  tasks: number;
  available_cents: number;
}

export interface Standings {
  org: string;
  totals: OfferTotals & { by_kind: Record<Kind, OfferTotals>; hard: OfferTotals };
  /** Earned desc, then percent desc, then login. */
  agents: AgentStanding[];
  /** How the intervals were drawn. */
  bootstrap: BootstrapOptions;
}

/** What a passed task is worth: the catalogue's terms when it is on offer, else the record's. */
function termsOf(
  tasks: ReadonlyMap<string, CatalogueTask>,
  record: LedgerRecord,
): { kind: Kind; price_cents: number } {
  const task = tasks.get(record.task_id);
  return task ?? { kind: record.kind, price_cents: record.price_cents };
}

function emptyAgent(agent: string, available: Standings["totals"]): AgentStanding {
  const kindStanding = (kind: Kind): KindStanding => ({
    earned_cents: 0,
    available_cents: available.by_kind[kind].available_cents,
    passed: 0,
  });
  return {
    agent,
    earned_cents: 0,
    available_cents: available.available_cents,
    percent: 0,
    by_kind: { ic: kindStanding("ic"), manager: kindStanding("manager") },
    hard: { earned_cents: 0, available_cents: available.hard.available_cents },
    attempts: 0,
    passed: 0,
    failed: 0,
    errors: 0,
    client_review: { reviewed: 0, approved: 0 },
    stats: taskSetStats([]), // filled in once every record is counted
  };
}

function offerTotals(tasks: Iterable<CatalogueTask>): Standings["totals"] {
  const empty = (): OfferTotals => ({ tasks: 0, available_cents: 0 });
  const totals = { ...empty(), by_kind: { ic: empty(), manager: empty() }, hard: empty() };
  for (const task of tasks) {
    const scopes = [totals, totals.by_kind[task.kind]];
    if (task.price_cents > HARD_PRICE_CENTS) scopes.push(totals.hard);
    for (const scope of scopes) {
      scope.tasks += 1;
      scope.available_cents += task.price_cents;
    }
  }
  return totals;
}

function byRank(a: AgentStanding, b: AgentStanding): number {
  if (a.earned_cents !== b.earned_cents) return b.earned_cents - a.earned_cents;
  if (a.percent !== b.percent) return b.percent - a.percent;
  // Code-unit order, not locale order: the same bytes on every machine.
  return a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0;
}

/**
 * Per-agent standings from the ledger's records against every task on offer. A task pays an
 * agent at most once; tasks missing from the catalogue count as earned but not as available.
 * Every agent's intervals use the same seed, so agents are resampled on the same tasks.
 */
export function computeStandings(
  catalogue: Catalogue,
  records: readonly LedgerRecord[],
  bootstrap: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Standings {
  const tasks = new Map<string, CatalogueTask>();
  for (const task of catalogue.tasks) if (!tasks.has(task.id)) tasks.set(task.id, task);
  const totals = offerTotals(tasks.values());

  const agents = new Map<string, AgentStanding>();
  const paid = new Set<string>();
  for (const record of records) {
    let standing = agents.get(record.agent);
    if (!standing) {
      standing = emptyAgent(record.agent, totals);
      agents.set(record.agent, standing);
    }
    if (record.verdict === "error") {
      standing.errors += 1;
      continue;
    }
    standing.attempts += 1;
    if (record.client_review) {
      standing.client_review.reviewed += 1;
      if (record.client_review === "approved") standing.client_review.approved += 1;
    }
    if (record.verdict === "fail") {
      standing.failed += 1;
      continue;
    }
    const key = `${record.agent}\0${record.task_id}`;
    if (paid.has(key)) continue;
    paid.add(key);
    const { kind, price_cents } = termsOf(tasks, record);
    standing.passed += 1;
    standing.earned_cents += price_cents;
    standing.by_kind[kind].passed += 1;
    standing.by_kind[kind].earned_cents += price_cents;
    if (price_cents > HARD_PRICE_CENTS) standing.hard.earned_cents += price_cents;
  }

  for (const standing of agents.values()) {
    standing.percent =
      totals.available_cents === 0 ? 0 : (100 * standing.earned_cents) / totals.available_cents;
    standing.stats = taskSetStats(
      outcomesFromRecords(catalogue, records, standing.agent),
      bootstrap,
    );
  }
  return { org: catalogue.org, totals, agents: [...agents.values()].sort(byRank), bootstrap };
}
