import { matchRequiredTests, parseTestResults, type ResultFormat } from "./results/index.ts";
import { EvidenceError, type TestResult } from "./results/types.ts";
import type { TestSpec } from "../task/schema.ts";
import type { Verdict, VerdictReason } from "./verdict.ts";
import type { Canary } from "./canaries/canary-set.ts";
import { checkCanaries, withoutCanaries } from "./canaries/check-canaries.ts";

/** What one run of the test command left behind. */
export interface RunEvidence {
  exitCode: number | null;
  timedOut: boolean;
  /** The results file's text, or stdout when the task names no file; undefined if the file is missing. */
  text: string | undefined;
  /** The format of `text` when it is not the task's (pytest's JUnit reporter for a pytest task). */
  format?: ResultFormat;
}

export interface RunDecision {
  verdict: Verdict;
  reason: VerdictReason;
  detail: string;
  tests: TestResult[];
  missing: string[];
  failing: string[];
  /** How many of the run's canaries the results confirmed. */
  canariesConfirmed?: number;
}

/**
 * Decides one run from evidence: pass only when the exit code is 0, the results parse, and
 * every FAIL_TO_PASS and PASS_TO_PASS test is present and passed. No readable evidence is
 * `error`; a timeout is the candidate's `fail`.
 *
 * With `canaries` (hidden tests added to the run), the results must report each with its
 * known outcome, else the run is `fail (results-forged)`; the exit code then must say that
 * tests failed (the must-fail canaries did), and is read as 0 for the task's own tests.
 */
export function decideRun(
  spec: TestSpec,
  evidence: RunEvidence,
  canaries: readonly Canary[] = [],
): RunDecision {
  const base = { tests: [] as TestResult[], missing: [] as string[], failing: [] as string[] };
  const mustFail = canaries.find((c) => c.must === "fail");
  if (evidence.timedOut) {
    return {
      ...base,
      verdict: "fail",
      reason: "timeout",
      detail: `timed out after ${spec.timeout_seconds}s`,
    };
  }
  if (evidence.text === undefined) {
    if (mustFail && evidence.exitCode === 0) return forgedExit(base, mustFail.name);
    return {
      ...base,
      verdict: "error",
      reason: "no-evidence",
      detail: `the test command (exit ${evidence.exitCode}) did not write ${spec.results ?? "pytest's JUnit report"}`,
    };
  }
  let tests: TestResult[];
  try {
    tests = parseTestResults(evidence.format ?? spec.format, evidence.text);
  } catch (error) {
    if (!(error instanceof EvidenceError)) throw error;
    if (mustFail && evidence.exitCode === 0) return forgedExit(base, mustFail.name);
    return {
      ...base,
      verdict: "error",
      reason: "no-evidence",
      detail: `${error.message} (exit ${evidence.exitCode})`,
    };
  }
  let exitCode = evidence.exitCode;
  let canariesConfirmed: number | undefined;
  if (canaries.length > 0) {
    const check = checkCanaries(canaries, tests);
    if (!check.ok)
      return {
        ...base,
        tests,
        verdict: "fail",
        reason: "results-forged",
        detail: check.detail,
        canariesConfirmed: check.confirmed,
      };
    if (mustFail && exitCode === 0) return { ...forgedExit(base, mustFail.name), tests };
    canariesConfirmed = check.confirmed;
    tests = withoutCanaries(tests, canaries);
    // The must-fail canaries failed, as they must: that is what the exit code says.
    if (mustFail && exitCode !== null) exitCode = 0;
  }
  const required = [...spec.fail_to_pass, ...spec.pass_to_pass];
  const { missing, failing } = matchRequiredTests(required, tests);
  const found = {
    tests,
    missing,
    failing,
    ...(canariesConfirmed === undefined ? {} : { canariesConfirmed }),
  };
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
  if (exitCode === 0) {
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
      detail: `exit ${exitCode}; other tests failed: ${others
        .map((t) => t.id)
        .slice(0, 10)
        .join(", ")}`,
    };
  }
  return {
    ...found,
    verdict: "error",
    reason: "evidence-disagrees",
    detail: `every reported test passed but the command exited ${exitCode ?? "by signal"}`,
  };
}

/** A run whose runner said all was well although a must-fail canary was in it. */
function forgedExit(
  base: Pick<RunDecision, "tests" | "missing" | "failing">,
  canary: string,
): RunDecision {
  return {
    ...base,
    verdict: "fail",
    reason: "results-forged",
    detail: `results forged: the test command exited 0 although canary ${canary} must fail`,
  };
}
