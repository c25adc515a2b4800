import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { resolveInside } from "../paths/contained-path.ts";
import type { ProcessResult } from "../exec/run-process.ts";
import { HOST, type Isolation } from "../environment/isolation.ts";
import type { InstallOverlay } from "../environment/install-overlay.ts";
import { runCommand } from "../environment/run-command.ts";
import type { TestSpec } from "../task/schema.ts";
import type { RunEvidence } from "./decide-run.ts";

/** What a graded test run sees on top of PATH and locale: a private HOME and TMPDIR, CI mode. */
export function gradedTestEnv(home: string, tmp: string): Record<string, string> {
  return {
    HOME: home,
    TMPDIR: tmp,
    CI: "true",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    PYTHONDONTWRITEBYTECODE: "1",
    // npm and npx, run by a test command, must not look for updates over the network.
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  };
}

export interface TestRunPlace {
  workspace: string;
  /** Holds the run's private HOME and TMPDIR. */
  scratchDir: string;
  /** Folders put first on PATH (host only). */
  pathPrefix?: readonly string[];
  /** The task's `environment.env`. */
  taskEnv?: Readonly<Record<string, string>>;
  /** The host (default) or the task's container, with no network. */
  isolation?: Isolation;
  /** The cached install's folders mounted over the workspace (host only). */
  overlays?: readonly InstallOverlay[];
}

/**
 * Runs a task's test command once in the workspace: bash, its own process group (or its own
 * container with no network), the task's timeout, an environment with no secrets, a private
 * HOME and TMPDIR, and the variables of the task's environment (`environment.env`).
 */
export async function runTests(
  spec: TestSpec,
  place: TestRunPlace,
): Promise<{ process: ProcessResult; evidence: RunEvidence }> {
  const { workspace, scratchDir, pathPrefix = [], taskEnv = {} } = place;
  // Checked by real path before each use: the candidate's code may have turned a folder on
  // the way into a link out of the workspace during an earlier run.
  const results = spec.results;
  const resultsFile = results ? () => resolveInside(workspace, results, RESULTS_FIELD) : undefined;
  // A results file the candidate shipped must never count as evidence.
  if (resultsFile) await rm(await resultsFile(), { force: true });
  const home = path.join(scratchDir, "home");
  const tmp = path.join(scratchDir, "tmp");
  // pytest's own JUnit reporter, asked for through its environment, into a fresh folder
  // outside the workspace: what the candidate's code prints on stdout counts for nothing.
  const reporter = usesPytestReporter(spec)
    ? path.join(scratchDir, `reporter-${randomBytes(6).toString("hex")}`)
    : undefined;
  await Promise.all(
    [home, tmp, ...(reporter ? [reporter] : [])].map((d) => mkdir(d, { recursive: true })),
  );
  const reportFile = reporter && path.join(reporter, "junit.xml");
  const result = await runCommand(place.isolation ?? HOST, {
    command: spec.command,
    cwd: workspace,
    timeoutMs: spec.timeout_seconds * 1000,
    env: {
      ...gradedTestEnv(home, tmp),
      ...taskEnv,
      ...(reportFile
        ? {
            PYTEST_ADDOPTS: [taskEnv.PYTEST_ADDOPTS, `--junitxml=${reportFile}`]
              .filter(Boolean)
              .join(" "),
          }
        : {}),
      PATH: [...pathPrefix, process.env.PATH ?? "/usr/bin:/bin"].join(path.delimiter),
    },
    phase: "test",
    mounts: [workspace, home, tmp, ...(reporter ? [reporter] : [])],
    ...(place.overlays ? { overlays: place.overlays } : {}),
  });
  if (reportFile) {
    const text = await readResults(reportFile);
    await rm(reporter, { recursive: true, force: true });
    return {
      process: result,
      evidence: { exitCode: result.exitCode, timedOut: result.timedOut, text, format: "junit" },
    };
  }
  const text = resultsFile ? await readResults(await resultsFile()) : result.stdout;
  return {
    process: result,
    evidence: { exitCode: result.exitCode, timedOut: result.timedOut, text },
  };
}

/**
 * Whether a pytest task's results come from pytest's JUnit reporter (asked for with
 * PYTEST_ADDOPTS) rather than its terminal output: yes unless the task names a results file
 * or the command asks for a JUnit file of its own (its option would win over ours).
 */
export function usesPytestReporter(spec: TestSpec): boolean {
  return spec.format === "pytest" && !spec.results && !spec.command.includes("--junitxml");
}

/** Where a task's results are read from, in words, for the grade's list of defences. */
export function resultsSourceText(spec: TestSpec): string {
  if (usesPytestReporter(spec))
    return "pytest's JUnit reporter, into a folder outside the workspace";
  return spec.results ? `results file ${spec.results}` : "the test command's stdout";
}

/** Names the results path in errors, as task.yaml does. */
const RESULTS_FIELD = "hidden.test.results";

/** Reads a results file, never through a symbolic link as its last part; undefined when absent. */
async function readResults(file: string): Promise<string | undefined> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (!handle) return undefined;
  try {
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}
