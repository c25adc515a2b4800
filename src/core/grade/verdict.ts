/** The grader's answer. `error` means it could not decide (infrastructure, not the model). */
export type Verdict = "pass" | "fail" | "error";

/** Why a verdict is what it is; `ok` for a pass. */
export type VerdictReason =
  | "ok"
  | "tests-failed"
  | "missing-tests"
  | "timeout"
  | "tamper"
  | "patch-does-not-apply"
  | "wrong-proposal"
  | "no-selection"
  | "no-evidence"
  | "evidence-disagrees"
  | "harness-error"
  | "environment"
  | "build-failed"
  | "results-forged";

/**
 * Combines the verdicts of several runs of one attempt: pay if any run passes (the official
 * SWE-Lancer rule), fail if any failed, else the grader could not decide.
 */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes("pass")) return "pass";
  if (verdicts.includes("fail")) return "fail";
  return "error";
}
