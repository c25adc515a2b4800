import type { Verdict, VerdictReason } from "../grade/verdict.ts";

/**
 * pytest's exit status as run_tests.yml left it in `logs/<id>/pytest_exit_code`: the last line
 * that is an integer (as the official harness reads it), or undefined when the file is absent
 * or holds none.
 */
export function readPytestExitCode(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  for (const line of lines.reverse()) if (/^-?\d+$/.test(line)) return Number(line);
  return undefined;
}

export interface RunOutcome {
  verdict: Verdict;
  reason: VerdictReason;
  detail: string;
}

/**
 * One run's verdict from pytest's exit status, by the official rule: 0 the tests passed, 1 a
 * test failed, anything else (2 interrupted, 3 internal error, 4 usage error, 5 no tests
 * collected) or no status at all means the tests did not run properly: `error`, not `fail`.
 */
export function runOutcome(code: number | undefined, questionId: string): RunOutcome {
  const file = `logs/${questionId}/pytest_exit_code`;
  if (code === undefined)
    return {
      verdict: "error",
      reason: "no-evidence",
      detail: `${file} is missing: the tests did not run to the end`,
    };
  if (code === 0) return { verdict: "pass", reason: "ok", detail: "pytest exited 0" };
  if (code === 1)
    return { verdict: "fail", reason: "tests-failed", detail: "pytest exited 1: a test failed" };
  return {
    verdict: "error",
    reason: "harness-error",
    detail: `pytest exited ${code}: interrupted, an internal or usage error, or no test collected`,
  };
}

/**
 * The official rule across runs: paid if any run passes; `fail` only when every run failed
 * cleanly (exit status 1); otherwise the grader could not decide (`error`, never $0).
 */
export function combineSweLancerRuns(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes("pass")) return "pass";
  if (verdicts.length > 0 && verdicts.every((v) => v === "fail")) return "fail";
  return "error";
}
