import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../../src/core/ledger/entry.ts";
import type { Catalogue, LedgerRecord } from "../../../src/core/ledger/ledger-record.ts";
import {
  DEFAULT_BOOTSTRAP,
  outcomesFromEntries,
  outcomesFromRecords,
  passAtK,
  percentileBootstrap,
  statsByTaskSet,
  taskSetStats,
  type TaskOutcome,
} from "../../../src/core/stats/index.ts";

function outcome(id: string, price: number, attempts: number, passes: number): TaskOutcome {
  return {
    task_id: id,
    kind: id.startsWith("m") ? "manager" : "ic",
    price_cents: price,
    available_cents: price,
    on_offer: true,
    earned_cents: passes > 0 ? price : 0,
    attempts,
    passes,
  };
}

const outcomes = [
  outcome("a", 100_00, 3, 3),
  outcome("b", 200_00, 3, 1),
  outcome("c", 500_00, 4, 0),
  outcome("m1", 400_00, 3, 2),
  outcome("m2", 50_00, 0, 0), // never attempted: earned $0, no pass@k
];

describe("taskSetStats", () => {
  const stats = taskSetStats(outcomes);

  it("counts earned against everything on offer", () => {
    expect(stats).toMatchObject({ tasks: 5, earned_cents: 700_00, available_cents: 1250_00 });
    expect(stats.earned_percent).toBeCloseTo(56, 10);
    expect(stats.earned_percent_ci!.low).toBeLessThanOrEqual(stats.earned_percent);
    expect(stats.earned_percent_ci!.high).toBeGreaterThanOrEqual(stats.earned_percent);
  });

  it("averages the unbiased pass@k over attempted tasks, k up to the fewest attempts", () => {
    expect(stats.tasks_attempted).toBe(4);
    expect(stats.pass_at.map((p) => p.k)).toEqual([1, 2, 3]);
    // pass@1 = mean(3/3, 1/3, 0/4, 2/3); pass@3 = mean(1, 1, 1 - C(4,3)/C(4,3)=0, 1).
    expect(stats.pass_at[0]!.percent).toBeCloseTo((100 * (1 + 1 / 3 + 0 + 2 / 3)) / 4, 10);
    expect(stats.pass_at[1]!.percent).toBeCloseTo((100 * (1 + 2 / 3 + 0 + 1)) / 4, 10);
    expect(stats.pass_at[2]!.percent).toBeCloseTo(75, 10);
    for (const p of stats.pass_at) {
      expect(p.ci!.low).toBeLessThanOrEqual(p.percent);
      expect(p.ci!.high).toBeGreaterThanOrEqual(p.percent);
      expect(p.ci!.low).toBeGreaterThanOrEqual(0);
      expect(p.ci!.high).toBeLessThanOrEqual(100);
    }
  });

  it("does not depend on the order of the tasks, and follows the seed", () => {
    expect(taskSetStats([...outcomes].reverse())).toEqual(stats);
    // Forty tasks of distinct prices: another seed draws other resamples, other percentiles.
    const many = Array.from({ length: 40 }, (_, i) =>
      outcome(`t${i}`, 100 * (i + 1), 2, i % 3 === 0 ? 1 : 0),
    );
    const base = taskSetStats(many);
    const other = taskSetStats(many, { ...DEFAULT_BOOTSTRAP, seed: 99 });
    expect(other.earned_percent).toBe(base.earned_percent);
    expect(other.earned_percent_ci).not.toEqual(base.earned_percent_ci);
    expect(taskSetStats(many)).toEqual(base);
  });

  it("adds earnings off offer to every resample instead of resampling them", () => {
    const gone = { ...outcome("zz", 400_00, 1, 1), available_cents: 0, on_offer: false };
    const offered = Array.from({ length: 20 }, (_, i) => outcome(`t${i}`, 100_00, 1, i % 2));
    const got = taskSetStats([...offered, gone]);
    // $1,000 + $400 of $2,000 on offer.
    expect(got.earned_percent).toBeCloseTo(70, 10);
    expect(got.earned_percent_ci!.low).toBeGreaterThanOrEqual(20); // the $400 is always there
    expect(got.earned_percent_ci!.low).toBeLessThan(70);
    expect(got.earned_percent_ci!.high).toBeGreaterThan(70);
    expect(got.tasks_attempted).toBe(21);
  });

  it("has no interval and no pass@k for an empty set", () => {
    expect(taskSetStats([])).toEqual({
      tasks: 0,
      earned_cents: 0,
      available_cents: 0,
      earned_percent: 0,
      earned_percent_ci: null,
      tasks_attempted: 0,
      pass_at: [],
    });
  });

  it("splits into the report's task sets", () => {
    const sets = statsByTaskSet(outcomes);
    expect(Object.keys(sets)).toEqual(["all", "ic", "manager", "ic_hard", "manager_hard"]);
    expect(sets.ic).toMatchObject({ tasks: 3, earned_cents: 300_00, available_cents: 800_00 });
    expect(sets.manager_hard).toMatchObject({ tasks: 1, earned_cents: 400_00 });
    expect(sets.ic_hard).toMatchObject({ tasks: 1, earned_cents: 0, available_cents: 500_00 });
  });
});

describe("task outcomes", () => {
  it("from the local ledger: decided attempts only, paid once", () => {
    const entry = (
      taskId: string,
      attempt: number,
      outcome: LedgerEntry["outcome"],
    ): LedgerEntry => ({
      runId: "r",
      agent: "x",
      taskId,
      attempt,
      kind: "ic",
      priceCents: 100,
      outcome,
      reason: "",
      detail: "",
      payoutCents: outcome === "pass" ? 100 : 0,
      recordedAt: "2026-01-01T00:00:00Z",
    });
    const got = outcomesFromEntries([
      entry("t1", 1, "fail"),
      entry("t1", 2, "pass"),
      entry("t1", 3, "pass"),
      entry("t2", 1, "error"),
      entry("t3", 1, "not_gradable"),
    ]);
    expect(
      got.map((t) => [t.task_id, t.attempts, t.passes, t.earned_cents, t.available_cents]),
    ).toEqual([
      ["t1", 3, 2, 100, 100],
      ["t2", 0, 0, 0, 100],
      ["t3", 0, 0, 0, 100],
    ]);
  });

  it("from the ledger repository: every task on offer, errors are no attempt", () => {
    const catalogue: Catalogue = {
      schema: 1,
      org: "o",
      tasks: [
        { id: "t1", kind: "ic", price_cents: 100 },
        { id: "t2", kind: "manager", price_cents: 300 },
      ],
    };
    const record = (
      agent: string,
      taskId: string,
      verdict: LedgerRecord["verdict"],
    ): LedgerRecord => ({
      schema: 1,
      task_id: taskId,
      kind: "ic",
      agent,
      attempt: 1,
      verdict,
      price_cents: 100,
      payout_cents: verdict === "pass" ? 100 : 0,
      repository: "o/t",
      graded_at: "2026-01-01T00:00:00Z",
    });
    const records = [
      record("x", "t1", "pass"),
      record("x", "t2", "error"),
      record("y", "t2", "fail"),
      record("x", "gone", "pass"),
    ];
    expect(outcomesFromRecords(catalogue, records, "x")).toEqual([
      {
        task_id: "t1",
        kind: "ic",
        price_cents: 100,
        available_cents: 100,
        on_offer: true,
        earned_cents: 100,
        attempts: 1,
        passes: 1,
      },
      {
        task_id: "t2",
        kind: "manager",
        price_cents: 300,
        available_cents: 300,
        on_offer: true,
        earned_cents: 0,
        attempts: 0,
        passes: 0,
      },
      {
        task_id: "gone",
        kind: "ic",
        price_cents: 100,
        available_cents: 0,
        on_offer: false,
        earned_cents: 100,
        attempts: 1,
        passes: 1,
      },
    ]);
  });
});

describe("taskSetStats, one pass or two", () => {
  it("draws the same intervals when every task was attempted as two separate bootstraps do", () => {
    const all = Array.from({ length: 30 }, (_, i) =>
      outcome(`t${i}`, 100 * (1 + (i % 7)), 2, i % 3),
    );
    const got = taskSetStats(all);
    const sorted = [...all].sort((a, b) => (a.task_id < b.task_id ? -1 : 1));
    const earnedAlone = percentileBootstrap(sorted.length, (w) => {
      let e = 0;
      let a = 0;
      sorted.forEach((t, i) => {
        e += w[i]! * t.earned_cents;
        a += w[i]! * t.available_cents;
      });
      return [(100 * e) / a];
    });
    const pass1Alone = percentileBootstrap(sorted.length, (w) => [
      (100 * sorted.reduce((s, t, i) => s + w[i]! * passAtK(2, t.passes, 1), 0)) / sorted.length,
    ]);
    expect(got.earned_percent_ci).toEqual(earnedAlone[0]);
    expect(got.pass_at[0]!.ci).toEqual(pass1Alone[0]);
  });
});
