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
  await Promise.all([mkdir(home, { recursive: true }), mkdir(tmp, { recursive: true })]);
  const result = await runCommand(place.isolation ?? HOST, {
    command: spec.command,
    cwd: workspace,
    timeoutMs: spec.timeout_seconds * 1000,
    env: {
      ...gradedTestEnv(home, tmp),
      ...taskEnv,
      PATH: [...pathPrefix, process.env.PATH ?? "/usr/bin:/bin"].join(path.delimiter),
    },
    phase: "test",
    mounts: [workspace, home, tmp],
    ...(place.overlays ? { overlays: place.overlays } : {}),
  });
  const text = resultsFile ? await readResults(await resultsFile()) : result.stdout;
  return {
    process: result,
    evidence: { exitCode: result.exitCode, timedOut: result.timedOut, text },
  };
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
