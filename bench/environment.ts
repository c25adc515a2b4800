// One real task with dependencies (fixtures/real/, default bytes with mocha, installed by
// `npm ci` from the registry): the first grading (the install included), gradings with the
// environment cached, and the raw test command alone in a ready workspace (installed, fixed,
// hidden tests in place), in the same environment. Prints the medians, the ratio cache-hit
// grading ÷ raw test run (target ≤ 1.10) and whether any hit ran the install again.
// Usage: node bench/environment.ts [--instance NAME] [--n N]
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { HOST } from "../src/core/environment/isolation.ts";
import { ensureEnvironment } from "../src/core/environment/build-environment.ts";
import {
  applyEnvironment,
  copyInstall,
  excludeInstall,
  installParts,
} from "../src/core/environment/apply-environment.ts";
import { runProcess } from "../src/core/exec/run-process.ts";
import { git } from "../src/core/git/git.ts";
import { gradeIc, settleWorkspaceRemovals } from "../src/core/grade/grade-ic.ts";
import { gradedTestEnv } from "../src/core/grade/run-tests.ts";
import { overlayHiddenFiles, readHiddenFiles } from "../src/core/grade/hidden-files.ts";
import { readImportFile } from "../src/core/import/import-file.ts";
import { writeBank } from "../src/core/import/write-bank.ts";
import { GOLD_PATCH, loadBank } from "../src/core/task/bank.ts";
import { pathsInPatch } from "../src/core/task/task-folder-files.ts";
import { ensureSourceRepo } from "../src/core/workspace/source-repo.ts";
import { createGradingWorkspace } from "../src/core/workspace/workspace.ts";
import { median, ms } from "./stats.ts";

const { values } = parseArgs({
  options: {
    instance: { type: "string", default: "visionmedia__bytes.js-61" },
    n: { type: "string", default: "7" },
  },
});
const n = Number(values.n);
const fixture = path.resolve(import.meta.dirname, "../fixtures/real", values.instance);
const root = await mkdtemp(path.join(os.tmpdir(), "lancer-bench-env-"));
const cacheDir = path.join(root, "cache");
const pathPrefix = [path.dirname(process.execPath)];

// The task: its base repository built from the published package, imported as a bank.
const row = JSON.parse(await readFile(path.join(fixture, "row.json"), "utf8")) as {
  repo: string;
};
const repos = path.join(root, "repos");
await promisify(execFile)("bash", [
  path.join(fixture, "make-repo.sh"),
  path.join(repos, row.repo.replace("/", "__")),
]);
await writeFile(path.join(root, "rows.jsonl"), `${JSON.stringify(row)}\n`);
const { tasks } = await readImportFile(path.join(root, "rows.jsonl"), "swe-bench-jsonl", {
  repoRoot: repos,
});
await writeBank(path.join(root, "bank"), tasks);
const [bankTask] = await loadBank(path.join(root, "bank"));
if (!bankTask?.task.environment || !bankTask.task.hidden.test)
  throw new Error(`${values.instance}: no environment or test command`);
const spec = bankTask.task.hidden.test;
const envSpec = bankTask.task.environment;
const gold = await readFile(path.join(bankTask.dir, GOLD_PATCH), "utf8");
const grade = () =>
  gradeIc(bankTask, { patch: gold, runs: 1, cacheDir, workRoot: root, pathPrefix });

let started = performance.now();
const first = await grade();
const firstMs = performance.now() - started;
if (first.verdict !== "pass" || first.environment?.cache_hit !== false)
  throw new Error(`first grading: ${first.verdict} (${first.detail})`);
await settleWorkspaceRemovals();

// The raw side: a workspace made ready once, then only the test command.
const direct = path.join(root, "direct");
const source = await ensureSourceRepo(bankTask, cacheDir);
await createGradingWorkspace(source, direct);
await git(["apply", "-"], { cwd: direct, input: gold });
const environment = await ensureEnvironment(source, envSpec, {
  cacheDir,
  pathPrefix,
  isolation: HOST,
});
await excludeInstall(environment, direct);
// As a user's own checkout: the install in place, and a TMPDIR kept between runs.
await copyInstall(environment, installParts(environment, direct, root), envSpec.timeout_seconds);
await applyEnvironment(environment, envSpec, direct, {
  patchPaths: pathsInPatch(gold),
  scratch: path.join(root, "direct-scratch"),
  cacheDir,
  pathPrefix,
});
await overlayHiddenFiles(await readHiddenFiles(bankTask), direct, root);
// The environment Lancer gives a test command (runTests), with a HOME kept between runs.
const env = {
  ...gradedTestEnv(path.join(root, "direct-home"), path.join(root, "tmp")),
  ...envSpec.env,
  PATH: [...pathPrefix, process.env.PATH].join(path.delimiter),
};
await mkdir(path.join(root, "direct-home"), { recursive: true });
await mkdir(path.join(root, "tmp"), { recursive: true });
const runRaw = () => runProcess("bash", ["-c", spec.command], { cwd: direct, env });

await runRaw(); // warm-up
const hits: number[] = [];
const raws: number[] = [];
/** The test command's own time inside each cache-hit grading. */
const inGrading: number[] = [];
let reinstalls = 0;
for (let i = 0; i < n; i++) {
  started = performance.now();
  const raw = await runRaw();
  raws.push(performance.now() - started);
  if (raw.exitCode !== 0) throw new Error(`raw run failed:\n${raw.stdout}${raw.stderr}`);
  started = performance.now();
  const hit = await grade();
  hits.push(performance.now() - started);
  inGrading.push(hit.runs[0]?.durationMs ?? 0);
  await settleWorkspaceRemovals();
  if (hit.verdict !== "pass") throw new Error(`cache-hit grading: ${hit.verdict} (${hit.detail})`);
  if (!hit.environment?.cache_hit || hit.environment.reinstalled) reinstalls++;
}
await rm(root, { recursive: true, force: true });

console.log(`${values.instance}: ${n} cache-hit gradings and raw runs, alternating, medians`);
console.log(`first grading (install ${ms(first.environment.install_ms)}):  ${ms(firstMs)}`);
console.log(`cache-hit grading:                     ${ms(median(hits))}`);
console.log(`  of which the test command:            ${ms(median(inGrading))}`);
console.log(`raw test command:                      ${ms(median(raws))}`);
console.log(
  `ratio cache-hit grading / raw test run: ${(median(hits) / median(raws)).toFixed(3)} (target ≤ 1.10)`,
);
console.log(`installs repeated on a cache hit: ${reinstalls} of ${n}`);
