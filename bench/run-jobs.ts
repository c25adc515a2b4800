// Wall time of `lancer run <bank> --agent oracle` with --jobs 2 against --jobs 1, each on a
// fresh ledger, alternating, N times each (warm cache). Prints medians and the ratio
// (target ≤ 0.6). Usage: node bench/run-jobs.ts [--bank DIR] [--agent A] [--n N]
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { median, ms } from "./stats.ts";

const { values } = parseArgs({
  options: {
    bank: { type: "string", default: "fixtures/tasks" },
    agent: { type: "string", default: "oracle" },
    n: { type: "string", default: "3" },
  },
});
const root = await mkdtemp(path.join(os.tmpdir(), "lancer-bench-jobs-"));
const bin = path.resolve(import.meta.dirname, "../bin/lancer.js");
const env = { LANCER_CACHE_DIR: path.join(root, "cache"), CI: "true" };

async function timedRun(jobs: number, index: number): Promise<number> {
  const ledger = path.join(root, `ledger-${jobs}-${index}.sqlite`);
  const started = performance.now();
  const result = await execa(
    process.execPath,
    [
      bin,
      "run",
      values.bank,
      "--agent",
      values.agent,
      "--jobs",
      String(jobs),
      "--ledger",
      ledger,
      "--json",
    ],
    { env },
  );
  const elapsed = performance.now() - started;
  const summary = JSON.parse(result.stdout) as { earned_cents: number; tasks: number };
  if (index === 0)
    console.log(`--jobs ${jobs}: ${summary.tasks} tasks, earned ${summary.earned_cents} cents`);
  return elapsed;
}

await timedRun(1, -1); // warm the cache of base repositories
const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
for (let i = 0; i < Number(values.n); i++) {
  times[1].push(await timedRun(1, i));
  times[2].push(await timedRun(2, i));
}
await rm(root, { recursive: true, force: true });
const ratio = median(times[2]) / median(times[1]);
console.log(`cores: ${os.availableParallelism()}`);
console.log(
  `--jobs 1 median ${ms(median(times[1]))}  [${times[1].map((t) => t.toFixed(0)).join(", ")}]`,
);
console.log(
  `--jobs 2 median ${ms(median(times[2]))}  [${times[2].map((t) => t.toFixed(0)).join(", ")}]`,
);
console.log(`wall ratio jobs2/jobs1: ${ratio.toFixed(3)} (target ≤ 0.6)`);
