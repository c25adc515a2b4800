import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { runProcess, type ProcessResult } from "../exec/run-process.ts";
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
  };
}

/**
 * Runs a task's test command once in the workspace: bash, its own process group, the task's
 * timeout, an environment with no secrets and a private HOME and TMPDIR.
 */
export async function runTests(
  spec: TestSpec,
  workspace: string,
  scratchDir: string,
  pathPrefix: readonly string[] = [],
): Promise<{ process: ProcessResult; evidence: RunEvidence }> {
  const resultsFile = spec.results ? path.resolve(workspace, spec.results) : undefined;
  // A results file the candidate shipped must never count as evidence.
  if (resultsFile) await rm(resultsFile, { force: true });
  const home = path.join(scratchDir, "home");
  const tmp = path.join(scratchDir, "tmp");
  await Promise.all([mkdir(home, { recursive: true }), mkdir(tmp, { recursive: true })]);
  const result = await runProcess("bash", ["-c", spec.command], {
    cwd: workspace,
    timeoutMs: spec.timeout_seconds * 1000,
    env: {
      ...gradedTestEnv(home, tmp),
      PATH: [...pathPrefix, process.env.PATH ?? "/usr/bin:/bin"].join(path.delimiter),
    },
  });
  const text = resultsFile
    ? await readFile(resultsFile, "utf8").catch(() => undefined)
    : result.stdout;
  return {
    process: result,
    evidence: { exitCode: result.exitCode, timedOut: result.timedOut, text },
  };
}
