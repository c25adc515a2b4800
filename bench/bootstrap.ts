/**
 * Bootstrap intervals: how long they take and how much they move with the seed.
 * Task prices come from the SWE-Lancer sample (../shared/datasets/swe-lancer/) when it is
 * there, else from a fixed list; outcomes are drawn with a fixed seed (40% of attempts pass).
 */
import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { computeStandings } from "../src/core/leaderboard/standings.ts";
import type { LedgerRecord } from "../src/core/ledger/ledger-record.ts";
import { DEFAULT_BOOTSTRAP } from "../src/core/stats/bootstrap.ts";
import { taskSetStats } from "../src/core/stats/task-set-stats.ts";
import type { TaskOutcome } from "../src/core/stats/task-outcome.ts";
import { median, ms } from "./stats.ts";

const CSV = "../shared/datasets/swe-lancer/swelancer_tasks_lite.sample.csv";

function prices(): number[] {
  if (!existsSync(CSV)) return [250_00, 500_00, 1000_00, 2000_00, 4000_00];
  const rows = parse<{ price: string }>(readFileSync(CSV), { columns: true });
  return rows.map((r) => Math.round(Number(r.price) * 100)).filter((p) => p > 0);
}

const source = prices();
const rng = xoroshiro128plus(2021);

function outcomes(count: number, attempts: number): TaskOutcome[] {
  return Array.from({ length: count }, (_, i) => {
    const price = source[i % source.length]!;
    let passes = 0;
    for (let a = 0; a < attempts; a += 1) if (uniformInt(rng, 0, 9) < 4) passes += 1;
    return {
      task_id: `t${String(i).padStart(5, "0")}`,
      kind: i % 2 ? "manager" : "ic",
      price_cents: price,
      available_cents: price,
      on_offer: true,
      earned_cents: passes > 0 ? price : 0,
      attempts,
      passes,
    };
  });
}

function timed(run: () => void, times = 5): number {
  const took: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const start = performance.now();
    run();
    took.push(performance.now() - start);
  }
  return median(took);
}

console.log(`prices from ${existsSync(CSV) ? CSV : "a fixed list"} (${source.length} tasks)`);
console.log(`one agent, one task set, ${DEFAULT_BOOTSTRAP.resamples} resamples (median of 5):`);
for (const count of [50, 500, 1500])
  for (const attempts of [1, 3]) {
    const tasks = outcomes(count, attempts);
    console.log(
      `  ${count} tasks, ${attempts} attempt(s) each: ${ms(timed(() => taskSetStats(tasks)))}`,
    );
  }

// How far the interval's ends move from seed to seed: the Monte Carlo error of the percentiles.
const tasks = outcomes(500, 1);
for (const resamples of [1000, 10_000]) {
  const lows: number[] = [];
  const highs: number[] = [];
  for (let seed = 1; seed <= 20; seed += 1) {
    const ci = taskSetStats(tasks, { ...DEFAULT_BOOTSTRAP, seed, resamples }).earned_percent_ci!;
    lows.push(ci.low);
    highs.push(ci.high);
  }
  const spread = (v: number[]) => (Math.max(...v) - Math.min(...v)).toFixed(2);
  console.log(
    `500 tasks, ${resamples} resamples, seeds 1-20: earned % interval ends vary by ${spread(lows)} (low) and ${spread(highs)} (high) points; median ${median(lows).toFixed(1)}-${median(highs).toFixed(1)}`,
  );
}

// The leaderboard: every agent's intervals, rebuilt after each payout.
const catalogue = {
  schema: 1 as const,
  org: "bench",
  tasks: tasks.map((t) => ({ id: t.task_id, kind: t.kind, price_cents: t.price_cents })),
};
const records: LedgerRecord[] = [];
for (let agent = 0; agent < 10; agent += 1)
  for (const t of outcomes(500, 1))
    records.push({
      schema: 1,
      task_id: t.task_id,
      kind: t.kind,
      agent: `agent-${agent}`,
      attempt: 1,
      verdict: t.passes ? "pass" : "fail",
      price_cents: t.price_cents,
      payout_cents: t.passes ? t.price_cents : 0,
      repository: "bench/x",
      graded_at: "2026-01-01T00:00:00Z",
    });
console.log(
  `leaderboard standings, 10 agents on 500 tasks: ${ms(timed(() => computeStandings(catalogue, records), 3))}`,
);
