// Grading one fixture task through Lancer (one run) against running its test command
// directly in a ready workspace, alternating, N times each. Prints both medians and the
// ratio (target ≤ 1.05). Usage: node bench/grade-overhead.ts [--task ID] [--n N]
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runProcess } from "../src/core/exec/run-process.ts";
import { gradedTestEnv } from "../src/core/grade/run-tests.ts";
import { git } from "../src/core/git/git.ts";
import { gradeIc } from "../src/core/grade/grade-ic.ts";
import { GOLD_PATCH, HIDDEN_DIR, findTask } from "../src/core/task/bank.ts";
import { ensureSourceRepo } from "../src/core/workspace/source-repo.ts";
import { createGradingWorkspace } from "../src/core/workspace/workspace.ts";
import { median, ms } from "./stats.ts";

const { values } = parseArgs({
  options: {
    task: { type: "string", default: "js-slugify-accents" },
    bank: { type: "string", default: "fixtures/tasks" },
    n: { type: "string", default: "7" },
  },
});
const n = Number(values.n);
const bankTask = await findTask(values.bank, values.task);
const spec = bankTask.task.hidden.test;
if (!spec) throw new Error(`${values.task} has no test command`);
const gold = await readFile(path.join(bankTask.dir, GOLD_PATCH), "utf8");
const root = await mkdtemp(path.join(os.tmpdir(), "lancer-bench-"));
const cacheDir = path.join(root, "cache");

// The direct side: a workspace prepared once (base + gold + hidden tests), then only the
// command, in the same environment Lancer gives it (so both sides start node alike).
const direct = path.join(root, "direct");
await createGradingWorkspace(await ensureSourceRepo(bankTask, cacheDir), direct);
await git(["apply", "-"], { cwd: direct, input: gold });
await cp(path.join(bankTask.dir, HIDDEN_DIR), direct, { recursive: true });

const directTimes: number[] = [];
const lancerTimes: number[] = [];
// One warm-up of each so that both sides start with warm file caches.
const directEnv = { cwd: direct, env: gradedTestEnv(os.tmpdir(), os.tmpdir()) };
await runProcess("bash", ["-c", spec.command], directEnv);
await gradeIc(bankTask, { patch: gold, runs: 1, cacheDir, workRoot: root });
for (let i = 0; i < n; i++) {
  let started = performance.now();
  const plain = await runProcess("bash", ["-c", spec.command], directEnv);
  directTimes.push(performance.now() - started);
  if (plain.exitCode !== 0) throw new Error(`direct run failed: ${plain.stdout}${plain.stderr}`);
  started = performance.now();
  const graded = await gradeIc(bankTask, { patch: gold, runs: 1, cacheDir, workRoot: root });
  lancerTimes.push(performance.now() - started);
  if (graded.verdict !== "pass")
    throw new Error(`lancer graded ${graded.verdict}: ${graded.detail}`);
}
await rm(root, { recursive: true, force: true });

const ratio = median(lancerTimes) / median(directTimes);
console.log(`task ${values.task} (${spec.format}), ${n} runs each, alternating`);
console.log(
  `direct test command  median ${ms(median(directTimes))}  [${directTimes.map((t) => t.toFixed(0)).join(", ")}]`,
);
console.log(
  `lancer grade (1 run) median ${ms(median(lancerTimes))}  [${lancerTimes.map((t) => t.toFixed(0)).join(", ")}]`,
);
console.log(`median ratio lancer/direct: ${ratio.toFixed(3)} (target ≤ 1.05)`);
