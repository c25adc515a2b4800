import { matchRequiredTests, parseTestResults } from "./results/index.ts";
import { EvidenceError, type TestResult } from "./results/types.ts";
import type { TestSpec } from "../task/schema.ts";
import type { Verdict, VerdictReason } from "./verdict.ts";

/** What one run of the test command left behind. */
export interface RunEvidence {
  exitCode: number | null;
  timedOut: boolean;
  /** The results file's text, or stdout when the task names no file; undefined if the file is missing. */
  text: string | undefined;
}

export interface RunDecision {
  verdict: Verdict;
  reason: VerdictReason;
  detail: string;
  tests: TestResult[];
  missing: string[];
  failing: string[];
}

/**
 * Decides one run from evidence: pass only when the exit code is 0, the results parse, and
 * every FAIL_TO_PASS and PASS_TO_PASS test is present and passed. No readable evidence is
 * `error`; a timeout is the candidate's `fail`.
 */
export function decideRun(spec: TestSpec, evidence: RunEvidence): RunDecision {
  const base = { tests: [] as TestResult[], missing: [] as string[], failing: [] as string[] };
  if (evidence.timedOut) {
    return {
      ...base,
      verdict: "fail",
      reason: "timeout",
      detail: `timed out after ${spec.timeout_seconds}s`,
    };
  }
  if (evidence.text === undefined) {
    return {
      ...base,
      verdict: "error",
      reason: "no-evidence",
      detail: `the test command (exit ${evidence.exitCode}) did not write ${spec.results}`,
    };
  }
  let tests: TestResult[];
  try {
    tests = parseTestResults(spec.format, evidence.text);
  } catch (error) {
    if (!(error instanceof EvidenceError)) throw error;
    return {
      ...base,
      verdict: "error",
      reason: "no-evidence",
      detail: `${error.message} (exit ${evidence.exitCode})`,
    };
  }
  const required = [...spec.fail_to_pass, ...spec.pass_to_pass];
  const { missing, failing } = matchRequiredTests(required, tests);
  const found = { tests, missing, failing };
  if (missing.length > 0) {
    return {
      ...found,
      verdict: "fail",
      reason: "missing-tests",
      detail: `not reported: ${missing.join(", ")}`,
    };
  }
  if (failing.length > 0) {
    return {
      ...found,
      verdict: "fail",
      reason: "tests-failed",
      detail: `failed: ${failing.join(", ")}`,
    };
  }
  const others = tests.filter((t) => t.status === "failed" || t.status === "error");
  if (evidence.exitCode === 0) {
    if (required.length === 0 && others.length > 0) {
      return {
        ...found,
        verdict: "fail",
        reason: "tests-failed",
        detail: `failed: ${others.map((t) => t.id).join(", ")}`,
      };
    }
    return {
      ...found,
      verdict: "pass",
      reason: "ok",
      detail: `${tests.length} tests reported, all required passed`,
    };
  }
  if (others.length > 0) {
    return {
      ...found,
      verdict: "fail",
      reason: "tests-failed",
      detail: `exit ${evidence.exitCode}; other tests failed: ${others
        .map((t) => t.id)
        .slice(0, 10)
        .join(", ")}`,
    };
  }
  return {
    ...found,
    verdict: "error",
    reason: "evidence-disagrees",
    detail: `every reported test passed but the command exited ${evidence.exitCode ?? "by signal"}`,
  };
}
