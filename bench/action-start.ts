// Start-up cost of the Action as the runner starts it (`node dist/index.js` with INPUT_*
// variables): time from process start to inputs parsed (the Action's own debug line), wall
// time of the whole process when it stops right after parsing, and the bundle's size.
// Targets: < 300 ms to inputs parsed, < 3 MB. Usage: node bench/action-start.ts [--n N]
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { execa } from "execa";
import { median, ms } from "./stats.ts";

const { values } = parseArgs({ options: { n: { type: "string", default: "20" } } });
const bundle = path.resolve(import.meta.dirname, "../dist/index.js");
const n = Number(values.n);

const parsedAt: number[] = [];
const wall: number[] = [];
for (let i = 0; i < n; i++) {
  const started = performance.now();
  // Valid inputs but no task: the Action stops right after parsing them.
  const result = await execa(process.execPath, [bundle], {
    env: { INPUT_MODE: "grade", INPUT_PHASE: "run", RUNNER_DEBUG: "1" },
    extendEnv: false,
    reject: false,
  });
  wall.push(performance.now() - started);
  const line = /inputs parsed ([\d.]+) ms after start/.exec(result.stdout);
  if (!line) throw new Error(`no timing line in the Action's output:\n${result.stdout}`);
  parsedAt.push(Number(line[1]));
}
const size = (await stat(bundle)).size;
console.log(`action start (${n} runs, ${process.version}):`);
console.log(`  process start → inputs parsed: median ${ms(median(parsedAt))} (target < 300 ms)`);
console.log(`  whole process (parse, then stop): median ${ms(median(wall))}`);
console.log(`  dist/index.js: ${(size / 1024 / 1024).toFixed(2)} MB (target < 3 MB)`);
