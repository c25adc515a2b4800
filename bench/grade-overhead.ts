// Grading a fixture task through Lancer (one run) against running its test command directly
// in a ready workspace, in the same environment, alternating, N times each. Prints each
// task's medians and ratio, then the median ratio over the tasks (target ≤ 1.05).
// Usage: node bench/grade-overhead.ts [--bank DIR] [--task ID] [--n N]
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { runProcess } from "../src/core/exec/run-process.ts";
import { git } from "../src/core/git/git.ts";
import { gradeIc, settleWorkspaceRemovals } from "../src/core/grade/grade-ic.ts";
import { gradedTestEnv } from "../src/core/grade/run-tests.ts";
import { GOLD_PATCH, HIDDEN_DIR, loadBank, type BankTask } from "../src/core/task/bank.ts";
import { ensureSourceRepo } from "../src/core/workspace/source-repo.ts";
import { createGradingWorkspace } from "../src/core/workspace/workspace.ts";
import { median, ms } from "./stats.ts";

const { values } = parseArgs({
  options: {
    bank: { type: "string", default: "fixtures/tasks" },
    task: { type: "string" },
    n: { type: "string", default: "5" },
  },
});
const n = Number(values.n);
const root = await mkdtemp(path.join(os.tmpdir(), "lancer-bench-"));
const cacheDir = path.join(root, "cache");
const pathPrefix = [path.dirname(process.execPath)];

async function measure(bankTask: BankTask): Promise<number> {
  const spec = bankTask.task.hidden.test!;
  const gold = await readFile(path.join(bankTask.dir, GOLD_PATCH), "utf8");
  // The direct side: a workspace prepared once (base + gold + hidden tests), then only the
  // command, in the environment Lancer gives it, so that both sides start their tools alike.
  const direct = path.join(root, `direct-${bankTask.task.id}`);
  await createGradingWorkspace(await ensureSourceRepo(bankTask, cacheDir), direct);
  await git(["apply", "-"], { cwd: direct, input: gold });
  await cp(path.join(bankTask.dir, HIDDEN_DIR), direct, { recursive: true });
  const env = {
    ...gradedTestEnv(root, root),
    PATH: [...pathPrefix, process.env.PATH].join(path.delimiter),
  };
  const runDirect = () => runProcess("bash", ["-c", spec.command], { cwd: direct, env });
  const runLancer = () =>
    gradeIc(bankTask, { patch: gold, runs: 1, cacheDir, workRoot: root, pathPrefix });

  await runDirect(); // warm-ups, so that both sides start with warm caches
  await runLancer();
  const directTimes: number[] = [];
  const lancerTimes: number[] = [];
  for (let i = 0; i < n; i++) {
    let started = performance.now();
    const plain = await runDirect();
    directTimes.push(performance.now() - started);
    if (plain.exitCode !== 0)
      throw new Error(`${bankTask.task.id}: direct run failed:\n${plain.stdout}${plain.stderr}`);
    started = performance.now();
    const graded = await runLancer();
    lancerTimes.push(performance.now() - started);
    // Lancer removes its workspace after answering; keep that work off the direct side's clock.
    await settleWorkspaceRemovals();
    if (graded.verdict !== "pass")
      throw new Error(`${bankTask.task.id}: lancer graded ${graded.verdict}: ${graded.detail}`);
  }
  const ratio = median(lancerTimes) / median(directTimes);
  console.log(
    `${bankTask.task.id.padEnd(32)} ${spec.format.padEnd(6)} direct ${ms(median(directTimes)).padStart(9)}  ` +
      `lancer ${ms(median(lancerTimes)).padStart(9)}  overhead ${ms(median(lancerTimes) - median(directTimes)).padStart(8)}  ratio ${ratio.toFixed(3)}`,
  );
  return ratio;
}

const bank = (await loadBank(values.bank)).filter(
  (t) => t.task.hidden.test && (!values.task || t.task.id === values.task),
);
if (bank.length === 0)
  throw new Error(
    `no gradable IC task${values.task ? ` named ${values.task}` : ""} in ${values.bank}`,
  );
console.log(`grading overhead, ${n} runs per side per task, alternating, medians`);
const ratios: number[] = [];
for (const bankTask of bank) ratios.push(await measure(bankTask));
await rm(root, { recursive: true, force: true });
console.log(
  `median ratio lancer/direct over ${ratios.length} task(s): ${median(ratios).toFixed(3)} (target ≤ 1.05)`,
);
