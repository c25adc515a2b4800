import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { clientEnv, dockerImageId, removeOnExit } from "../environment/docker.ts";
import { EnvironmentError } from "../environment/environment-error.ts";
import { runProcess, type ProcessResult } from "../exec/run-process.ts";
import type { GradeIcOptions, GradeRun, IcGrade } from "../grade/grade-ic.ts";
import type { Verdict, VerdictReason } from "../grade/verdict.ts";
import { HIDDEN_DIR, type BankTask } from "../task/bank.ts";
import {
  applyPatchArgs,
  networkOffArgs,
  pytestLogArgs,
  readExitCodeArgs,
  removeArgs,
  runTestsArgs,
  startArgs,
  waitForSetupArgs,
  type SweLancerContainer,
} from "./docker-args.ts";
import { combineSweLancerRuns, readPytestExitCode, runOutcome } from "./exit-code.ts";
import { OPTIONAL_SETUP_FILES, SWE_LANCER_PROFILE } from "./profile.ts";

/** Where the issue folder of a SWE-Lancer task is kept in its bank folder. */
export function issueFolder(bankTask: BankTask): string {
  return path.join(bankTask.dir, HIDDEN_DIR, "issues", bankTask.task.id);
}

/**
 * The network setup uses: `LANCER_SWE_LANCER_NETWORK` (a self-hosted runner's own network, or
 * `none` for an image whose setup needs none), else Docker's default `bridge`.
 */
function setupNetwork(): string {
  return process.env.LANCER_SWE_LANCER_NETWORK || SWE_LANCER_PROFILE.setupNetwork;
}

/**
 * Grades an IC task of SWE-Lancer as the official harness does: a container of the official
 * image with the task's issue folder bound in, set up with the network, then cut off from it;
 * the candidate's diff applied to /app/expensify; `run_tests.yml` up to `runs` times (stopping
 * at a pass unless `allRuns`), each run's verdict from `pytest_exit_code`. No docker, no daemon
 * or no image is `error (environment)` saying which; nothing here throws.
 */
export async function gradeSweLancer(
  bankTask: BankTask,
  options: GradeIcOptions,
): Promise<IcGrade> {
  const spec = bankTask.task.hidden.swe_lancer;
  const id = bankTask.task.id;
  if (!spec) return emptyGrade("error", "harness-error", `${id} is not a SWE-Lancer task`);
  const source = issueFolder(bankTask);
  if (!existsSync(source))
    return emptyGrade("error", "harness-error", `${source} is missing: the task's issue folder`);
  let scratch: string | undefined;
  try {
    await dockerImageId(spec.image);
    scratch = await mkdtemp(path.join(path.resolve(options.workRoot), `lancer-${id}-`));
    const issueDir = path.join(scratch, "issues", id);
    await cp(source, issueDir, { recursive: true });
    for (const name of OPTIONAL_SETUP_FILES)
      if (!existsSync(path.join(issueDir, name))) await writeFile(path.join(issueDir, name), "");
    const container: SweLancerContainer = {
      name: `lancer-swel-${id.toLowerCase()}-${randomUUID().slice(0, 8)}`,
      image: spec.image,
      questionId: id,
      issueDir,
      network: setupNetwork(),
    };
    const timeoutMs = (bankTask.task.hidden.test?.timeout_seconds ?? 1200) * 1000;
    const grade = await inContainer(container, scratch, options, timeoutMs);
    return { ...grade, isolation: `container ${spec.image}` };
  } catch (error) {
    if (error instanceof EnvironmentError) return emptyGrade("error", "environment", error.message);
    const message = error instanceof Error ? error.message : String(error);
    return emptyGrade("error", "harness-error", `grader failed: ${message}`);
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function inContainer(
  c: SweLancerContainer,
  scratch: string,
  options: GradeIcOptions,
  timeoutMs: number,
): Promise<IcGrade> {
  const env = { ...clientEnv(), ...pusherEnv() };
  const docker = (args: string[], ms: number, input?: string) =>
    runProcess("docker", args, {
      cwd: scratch,
      env,
      timeoutMs: ms,
      maxOutputBytes: 1024 * 1024,
      ...(input === undefined ? {} : { input }),
    });
  const forget = removeOnExit(c.name);
  try {
    const started = await docker(startArgs(c), 10 * 60_000);
    if (started.exitCode !== 0)
      throw new EnvironmentError(`swe-lancer: docker could not start ${c.image}: ${tail(started)}`);
    const ready = await docker(waitForSetupArgs(c.name), SWE_LANCER_PROFILE.setupTimeoutMs);
    if (ready.exitCode !== 0) {
      const logs = await docker(["logs", "--tail", "40", c.name], 60_000);
      const why = ready.timedOut ? "did not finish in time" : `stopped (${tail(ready)})`;
      throw new EnvironmentError(
        `swe-lancer: the image's setup (run.sh) ${why}; its log ends: ${tail(logs)}`,
      );
    }
    const off = networkOffArgs(c);
    if (off) {
      const cut = await docker(off, 60_000);
      if (cut.exitCode !== 0)
        throw new EnvironmentError(`swe-lancer: the network could not be cut: ${tail(cut)}`);
    }
    if (options.patch.trim() !== "") {
      const applied = await docker(applyPatchArgs(c.name), 5 * 60_000, options.patch);
      if (applied.exitCode !== 0) return emptyGrade("fail", "patch-does-not-apply", tail(applied));
    }
    return await testRuns(c, options, timeoutMs, docker);
  } finally {
    await docker(removeArgs(c.name), 5 * 60_000).catch(() => undefined);
    forget();
  }
}

type Docker = (args: string[], ms: number, input?: string) => Promise<ProcessResult>;

async function testRuns(
  c: SweLancerContainer,
  options: GradeIcOptions,
  timeoutMs: number,
  docker: Docker,
): Promise<IcGrade> {
  const runs: GradeRun[] = [];
  for (let index = 1; index <= options.runs; index++) {
    const played = await docker(runTestsArgs(c.name, c.questionId), timeoutMs);
    const status = await docker(readExitCodeArgs(c.name, c.questionId), 60_000);
    const code = status.exitCode === 0 ? readPytestExitCode(status.stdout) : undefined;
    const outcome = played.timedOut
      ? { verdict: "error" as const, reason: "timeout" as const, detail: "run_tests.yml timed out" }
      : runOutcome(code, c.questionId);
    const log = await docker(pytestLogArgs(c.name, c.questionId), 60_000);
    const testId = `issues/${c.questionId}/test.py`;
    runs.push({
      index,
      ...outcome,
      exitCode: code ?? null,
      durationMs: played.durationMs,
      tests:
        outcome.verdict === "error"
          ? []
          : [{ id: testId, status: outcome.verdict === "pass" ? "passed" : "failed" }],
      testsPassed: outcome.verdict === "pass" ? 1 : 0,
      testsFailed: outcome.verdict === "fail" ? 1 : 0,
      outputTail: (log.exitCode === 0 ? log.stdout : tail(played)).slice(-4000),
    });
    if (outcome.verdict === "pass" && !options.allRuns) break;
  }
  const verdict = combineSweLancerRuns(runs.map((r) => r.verdict));
  const deciding = runs.find((r) => r.verdict === verdict) ?? runs.at(-1)!;
  return {
    verdict,
    reason: deciding.reason,
    detail: deciding.detail,
    runs,
    testsPassed: deciding.testsPassed,
    testsFailed: deciding.testsFailed,
  };
}

/** Random fake-pusher credentials for one grading, as the official harness makes them. */
function pusherEnv(): Record<string, string> {
  const letters = (n: number) =>
    Array.from(
      randomBytes(n),
      (b) => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789"[b % 46],
    ).join("");
  return {
    PUSHER_APP_ID: String(randomInt(1_000_000, 10_000_000)),
    PUSHER_APP_KEY: letters(20),
    PUSHER_APP_SECRET: letters(20),
  };
}

function tail(result: ProcessResult): string {
  return (result.stderr.trim() || result.stdout.trim() || `exit ${result.exitCode}`).slice(-1000);
}

function emptyGrade(verdict: Verdict, reason: VerdictReason, detail: string): IcGrade {
  return { verdict, reason, detail, runs: [], testsPassed: 0, testsFailed: 0 };
}
