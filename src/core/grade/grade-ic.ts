import { mkdtemp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { BankTask } from "../task/bank.ts";
import type { EnvironmentSpec, TestSpec } from "../task/schema.ts";
import { ensureSourceRepo, type SourceRepo } from "../workspace/source-repo.ts";
import { createGradingWorkspace } from "../workspace/workspace.ts";
import { applyPatch, changedPaths, type ApplyMethod } from "./apply-patch.ts";
import { decideRun } from "./decide-run.ts";
import {
  changedHiddenFiles,
  fingerprintHiddenFiles,
  hiddenSnapshot,
  overlayHiddenFiles,
  readHiddenFiles,
  writeHiddenSnapshot,
} from "./hidden-files.ts";
import {
  applyEnvironment,
  BuildFailedError,
  changedKeyFiles,
  copyInstall,
  excludeInstall,
  installParts,
  pathsIntoInstall,
  type EnvironmentUse,
} from "../environment/apply-environment.ts";
import { ensureEnvironment, type Environment } from "../environment/build-environment.ts";
import {
  overlaysSupported,
  planInstallOverlays,
  type InstallOverlay,
} from "../environment/install-overlay.ts";
import { EnvironmentError } from "../environment/environment-error.ts";
import {
  describeIsolation,
  resolveIsolation,
  type Isolation,
  type IsolationChoice,
} from "../environment/isolation.ts";
import { networkRefusal, networkRefusalMessage } from "../environment/network-refusal.ts";
import { PathEscapeError, resolveInside } from "../paths/contained-path.ts";
import { runnerConfigReset } from "./runner-config.ts";
import { pathsInPatch } from "../task/task-folder-files.ts";
import { runTests, type TestRunPlace } from "./run-tests.ts";
import {
  findEscapingSymlinks,
  findTampering,
  protectedFilesAt,
  type TamperFinding,
} from "./tamper.ts";
import { combineVerdicts, type Verdict, type VerdictReason } from "./verdict.ts";
import { gradeSweLancer } from "../swe-lancer/grade-swe-lancer.ts";
import type { TestResult } from "./results/types.ts";
import type { Canary } from "./canaries/canary-set.ts";
import { planCanaries } from "./canaries/plan-canaries.ts";
import { plantCanaries, readCanaryHost } from "./canaries/plant-canaries.ts";
import { countCanaries, startDefences, type Defences } from "./defences.ts";

/** Keep reports small: a run records its required tests and at most this many others. */
const MAX_TESTS_RECORDED = 200;
const OUTPUT_TAIL_CHARS = 4000;

export interface GradeRun {
  index: number;
  verdict: Verdict;
  reason: VerdictReason;
  detail: string;
  exitCode: number | null;
  durationMs: number;
  tests: TestResult[];
  testsPassed: number;
  testsFailed: number;
  outputTail: string;
  /** How many of the run's canaries its results confirmed (absent: none were planted). */
  canariesConfirmed?: number;
}

export interface IcGrade {
  verdict: Verdict;
  reason: VerdictReason;
  detail: string;
  applyMethod?: ApplyMethod;
  /** How the task's environment was set up for this grading (cache hit, reinstall, build). */
  environment?: EnvironmentUse;
  /** `container <image>` when the commands ran in a container (absent: on the host). */
  isolation?: string;
  tamper?: TamperFinding[];
  runs: GradeRun[];
  /** The defences against forged results that ran (absent when no test ran). */
  defences?: Defences;
  testsPassed: number;
  testsFailed: number;
  /** Where the workspace was kept, with `keepWorkspace`. */
  workspace?: string;
}

export interface GradeIcOptions {
  /** The candidate as a unified diff against the base ("" for no change). */
  patch: string;
  /** How many times to run the tests (official SWE-Lancer: 3). */
  runs: number;
  /** Run all `runs` even after a pass (validation); default stops at the first pass. */
  allRuns?: boolean;
  cacheDir: string;
  /** Parent folder for the temporary workspace. */
  workRoot: string;
  keepWorkspace?: boolean;
  /** Folders put first on the tests' PATH (the CLI puts its own Node's there). */
  pathPrefix?: readonly string[];
  /** Host or container (`--isolation`, `--image`); default: the task's image, else the host. */
  isolation?: IsolationChoice;
}

/**
 * Grades a patch for an IC task: applies it to the base, rejects tampering, overlays the
 * hidden tests, runs them up to `runs` times and decides from the evidence.
 * Infrastructure failures become verdict `error`; they never throw.
 */
export async function gradeIc(bankTask: BankTask, options: GradeIcOptions): Promise<IcGrade> {
  // SWE-Lancer IC tasks are graded in the official image by the official rules.
  if (bankTask.task.hidden.swe_lancer) return gradeSweLancer(bankTask, options);
  const spec = bankTask.task.hidden.test;
  if (!spec) return errorGrade("the task has no test command");
  let scratch: string | undefined;
  try {
    const source = await ensureSourceRepo(bankTask, options.cacheDir);
    const envSpec = bankTask.task.environment;
    const isolation = await resolveIsolation(envSpec, options.isolation);
    const environment = envSpec
      ? await ensureEnvironment(source, envSpec, {
          cacheDir: options.cacheDir,
          pathPrefix: options.pathPrefix ?? [],
          isolation,
        })
      : undefined;
    // Absolute: git runs in the workspace, and a relative root would be read from there.
    scratch = await mkdtemp(
      path.join(path.resolve(options.workRoot), `lancer-${bankTask.task.id}-`),
    );
    const graded = await gradeInScratch(bankTask, spec, scratch, options, {
      environment,
      isolation,
      source,
    });
    const grade =
      isolation.kind === "container"
        ? { ...graded, isolation: describeIsolation(isolation) }
        : graded;
    return options.keepWorkspace ? { ...grade, workspace: path.join(scratch, "ws") } : grade;
  } catch (error) {
    // An install that fails is the grader's problem (never the candidate's, never paid $0).
    if (error instanceof EnvironmentError) return emptyGrade("error", "environment", error.message);
    return errorGrade(`grader failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    // Removal need not delay the verdict; Node keeps running until it is done.
    if (scratch && !options.keepWorkspace) removeLater(scratch);
  }
}

/** What a grading runs in: the task's installed environment, if any, and where commands run. */
interface Setup {
  environment: Environment | undefined;
  isolation: Isolation;
  source: SourceRepo;
}

async function gradeInScratch(
  bankTask: BankTask,
  spec: TestSpec,
  scratch: string,
  options: GradeIcOptions,
  setup: Setup,
): Promise<IcGrade> {
  const { environment, source } = setup;
  const workspace = path.join(scratch, "ws");
  await createGradingWorkspace(source, workspace);
  if (environment) await excludeInstall(environment, workspace);
  // The install is placed (mounted or copied) while the patch applies and is checked: the
  // two touch different files (a patch into the install is tampering), and the resets spare
  // them.
  const patchPaths = pathsInPatch(options.patch);
  const placed = environment
    ? placeInstall(environment, bankTask.task.environment!, {
        workspace,
        scratch,
        isolation: setup.isolation,
        patchPaths,
      })
    : Promise.resolve([]);
  placed.catch(() => undefined);
  try {
    return await patchAndTest(bankTask, spec, scratch, options, setup, { patchPaths, placed });
  } finally {
    // Never leave a copy running into a workspace that is about to be removed.
    await placed.catch(() => undefined);
  }
}

/**
 * Puts the cached install into a workspace: on the host, where overlays work and the patch
 * keeps the key files, its folders are mounted over the cache for each command (nothing is
 * copied, and what tests write stays in this grading); otherwise it is copied. Resolves to
 * the overlays the commands mount.
 */
async function placeInstall(
  environment: Environment,
  spec: EnvironmentSpec,
  where: { workspace: string; scratch: string; isolation: Isolation; patchPaths: string[] },
): Promise<readonly InstallOverlay[]> {
  const { workspace, scratch } = where;
  const overlay =
    where.isolation.kind === "host" &&
    changedKeyFiles(spec, where.patchPaths).length === 0 &&
    (await overlaysSupported());
  const parts = installParts(environment, workspace, scratch);
  if (!overlay) {
    await copyInstall(environment, parts, spec.timeout_seconds);
    return [];
  }
  const plan = await planInstallOverlays(parts, scratch);
  await copyInstall(environment, plan.copied, spec.timeout_seconds);
  return plan.overlays;
}

async function patchAndTest(
  bankTask: BankTask,
  spec: TestSpec,
  scratch: string,
  options: GradeIcOptions,
  { environment, isolation, source }: Setup,
  { patchPaths, placed }: { patchPaths: string[]; placed: Promise<readonly InstallOverlay[]> },
): Promise<IcGrade> {
  const workspace = path.join(scratch, "ws");
  // Decided from the patch alone, before it applies: the install is being placed meanwhile.
  const intoInstall = pathsIntoInstall(patchPaths, environment?.outputs ?? []);
  if (intoInstall.length > 0) {
    const tamper = intoInstall.map((p) => ({
      path: p,
      why: "is part of the installed environment",
    }));
    const detail = tamper.map((t) => `${t.path} ${t.why}`).join("; ");
    return { ...emptyGrade("fail", "tamper", detail), tamper };
  }
  const hiddenFiles = readHiddenFiles(bankTask);
  const snapshot = hiddenFiles.then((hidden) =>
    hiddenSnapshot(hidden, (dir) => createGradingWorkspace(source, dir), scratch, source.commit),
  );
  snapshot.catch(() => undefined);
  const applied = await applyPatch(workspace, options.patch, scratch, environment?.outputs);
  if (!applied.applied)
    return emptyGrade("fail", "patch-does-not-apply", applied.errors.join("; "));
  const hidden = await hiddenFiles;
  const changed = applied.changed ?? (await changedPaths(workspace));
  const tamper = [
    ...findTampering(changed, {
      protectedGlobs: bankTask.task.hidden.protected,
      hiddenPaths: hidden.paths,
      acceptableFolders: bankTask.task.hidden.acceptable_folders,
    }),
    ...(await findEscapingSymlinks(workspace, changed)),
  ];
  if (tamper.length > 0) {
    const detail = tamper.map((t) => `${t.path} ${t.why}`).join("; ");
    return { ...emptyGrade("fail", "tamper", detail), applyMethod: applied.method, tamper };
  }
  let environmentUse: EnvironmentUse | undefined;
  const overlays = await placed;
  if (environment) {
    try {
      environmentUse = await applyEnvironment(environment, bankTask.task.environment!, workspace, {
        patchPaths,
        scratch,
        cacheDir: options.cacheDir,
        pathPrefix: options.pathPrefix ?? [],
        overlays,
      });
    } catch (error) {
      if (!(error instanceof BuildFailedError)) throw error;
      return { ...emptyGrade("fail", "build-failed", error.message), applyMethod: applied.method };
    }
  }
  const files = await snapshot;
  if (files) await writeHiddenSnapshot(files, workspace);
  else await overlayHiddenFiles(hidden, workspace, scratch);
  const envSpec = bankTask.task.environment;
  // What the hidden tests and the protected files are before any run: a run after which
  // they differ was forged by code that rewrote them (for the next run, or its own report).
  const protectedFiles = await protectedFilesAt(
    source.repo,
    source.commit,
    bankTask.task.hidden.protected,
  );
  // The candidate's runner configuration and start-up hooks never run: the base's are
  // written over them before every run.
  const config = await runnerConfigReset({
    gitDir: source.repo,
    commit: source.commit,
    changed,
    hiddenPaths: hidden.paths,
    command: spec.command,
    readPackageJson: async () =>
      readFile(await resolveInside(workspace, "package.json", "package.json"), "utf8").catch(
        () => undefined,
      ),
  });
  const watched = [...new Set([...hidden.paths, ...protectedFiles, ...config.snapshot.keys()])];
  const canaryHost = await readCanaryHost(planCanaries(spec, hidden.paths), workspace);
  const defences = startDefences(canaryHost, watched.length, spec, config.reset);
  const runs: GradeRun[] = [];
  for (let index = 1; index <= options.runs; index++) {
    try {
      // Fresh hidden files before every run but the first, where the snapshot allows.
      if (index > 1 && files) await writeHiddenSnapshot(files, workspace);
      await writeHiddenSnapshot(config.snapshot, workspace);
      // New canaries for each run, in the hidden file as it was written (never the last run's).
      const canaries = "file" in canaryHost ? await plantCanaries(canaryHost, workspace) : [];
      const hiddenPrint = await fingerprintHiddenFiles(workspace, watched);
      const run = await runOnce(index, spec, canaries, {
        workspace,
        scratchDir: scratch,
        pathPrefix: options.pathPrefix ?? [],
        taskEnv: envSpec?.env ?? {},
        isolation,
        overlays,
      });
      countCanaries(defences, canaries.length, run.canariesConfirmed);
      const changedHidden = changedHiddenFiles(
        hiddenPrint,
        await fingerprintHiddenFiles(workspace, watched),
      );
      if (changedHidden.length > 0) {
        const detail = `tampered with hidden tests: ${changedHidden.join(", ")} changed during run ${index} (hidden or protected files)`;
        runs.push({ ...run, verdict: "fail", reason: "tamper", detail });
        defences.hidden_files.unchanged = false;
        return {
          ...emptyGrade("fail", "tamper", detail),
          applyMethod: applied.method,
          ...(environmentUse ? { environment: environmentUse } : {}),
          runs,
          defences,
        };
      }
      runs.push(run);
    } catch (error) {
      // The candidate's code led a path the grader uses out of the workspace: stop here,
      // before the grader removes or reads anything through it.
      if (!(error instanceof PathEscapeError)) throw error;
      runs.push(escapedRun(index, error.message));
      return {
        ...emptyGrade("fail", "tamper", error.message),
        applyMethod: applied.method,
        runs,
        defences,
      };
    }
    if (runs.at(-1)!.verdict === "pass" && !options.allRuns) break;
  }
  const verdict = combineVerdicts(runs.map((r) => r.verdict));
  const deciding = runs.find((r) => r.verdict === verdict) ?? runs[0]!;
  return {
    verdict,
    reason: deciding.reason,
    detail: deciding.detail,
    applyMethod: applied.method,
    ...(environmentUse ? { environment: environmentUse } : {}),
    runs,
    defences,
    testsPassed: deciding.testsPassed,
    testsFailed: deciding.testsFailed,
  };
}

async function runOnce(
  index: number,
  spec: TestSpec,
  canaries: readonly Canary[],
  place: TestRunPlace,
): Promise<GradeRun> {
  const { process, evidence } = await runTests(spec, place);
  const decision = decideRun(spec, evidence, canaries);
  const required = new Set([...spec.fail_to_pass, ...spec.pass_to_pass]);
  // No results from tests that had no network and tried to use it: the task's environment
  // lacks something a test step downloads, not the candidate's fault.
  const refused =
    place.isolation?.kind === "container" && decision.reason === "no-evidence"
      ? networkRefusal(process.stdout + process.stderr)
      : undefined;
  return {
    index,
    verdict: decision.verdict,
    reason: refused ? "environment" : decision.reason,
    detail: refused ? networkRefusalMessage("test", refused) : decision.detail,
    exitCode: process.exitCode,
    durationMs: process.durationMs,
    tests: keepForReport(decision.tests, required),
    testsPassed: decision.tests.filter((t) => t.status === "passed").length,
    testsFailed: decision.tests.filter((t) => t.status === "failed" || t.status === "error").length,
    outputTail: (process.stdout + process.stderr).slice(-OUTPUT_TAIL_CHARS),
    ...(decision.canariesConfirmed === undefined
      ? {}
      : { canariesConfirmed: decision.canariesConfirmed }),
  };
}

const pendingRemovals = new Set<Promise<void>>();

/** Removes a finished workspace without delaying the verdict. */
function removeLater(dir: string): void {
  const removal: Promise<void> = rm(dir, { recursive: true, force: true })
    .catch(() => undefined)
    .finally(() => pendingRemovals.delete(removal));
  pendingRemovals.add(removal);
}

/** Resolves once every finished workspace has been removed (for benchmarks and tests). */
export async function settleWorkspaceRemovals(): Promise<void> {
  await Promise.all(pendingRemovals);
}

function escapedRun(index: number, detail: string): GradeRun {
  return {
    index,
    verdict: "fail",
    reason: "tamper",
    detail,
    exitCode: null,
    durationMs: 0,
    tests: [],
    testsPassed: 0,
    testsFailed: 0,
    outputTail: "",
  };
}

function emptyGrade(verdict: Verdict, reason: VerdictReason, detail: string): IcGrade {
  return { verdict, reason, detail, runs: [], testsPassed: 0, testsFailed: 0 };
}

function errorGrade(detail: string): IcGrade {
  return emptyGrade("error", "harness-error", detail);
}

function keepForReport(tests: TestResult[], required: Set<string>): TestResult[] {
  const important = tests.filter(
    (t) => required.has(t.id) || t.aliases?.some((a) => required.has(a)),
  );
  const others = tests.filter((t) => !important.includes(t)).slice(0, MAX_TESTS_RECORDED);
  return [...important, ...others];
}
