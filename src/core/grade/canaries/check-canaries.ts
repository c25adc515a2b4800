import type { TestResult } from "../results/types.ts";
import type { Canary } from "./canary-set.ts";

/** What the results said of one run's canaries. */
export type CanaryCheck =
  { ok: true; confirmed: number } | { ok: false; confirmed: number; detail: string };

/** Whether a result is the one of a canary: the canary's name is the test's last name part. */
export function isCanaryResult(result: TestResult, canary: Canary): boolean {
  const ids = [result.id, ...(result.aliases ?? [])];
  return ids.some(
    (id) =>
      id === canary.name ||
      id.endsWith(` > ${canary.name}`) ||
      id.endsWith(`::${canary.name}`) ||
      id.endsWith(`.${canary.name}`),
  );
}

/**
 * Checks a run's canaries: every one reported, every must-pass passed, every must-fail failed.
 * The first that is not names the run as forged: results that a test runner did not really
 * produce (assertions disabled, lines printed by the candidate's code, a runner cut short).
 */
export function checkCanaries(
  canaries: readonly Canary[],
  tests: readonly TestResult[],
): CanaryCheck {
  let confirmed = 0;
  for (const canary of canaries) {
    const results = tests.filter((t) => isCanaryResult(t, canary));
    const wanted = canary.must === "pass" ? "passed" : "failed";
    if (results.length === 0)
      return forged(confirmed, `canary ${canary.name} (must ${canary.must}) was not reported`);
    const bad = results.find((r) => !matches(r, wanted));
    if (bad)
      return forged(
        confirmed,
        `canary ${canary.name} (must ${canary.must}) was reported ${bad.status}`,
      );
    confirmed++;
  }
  return { ok: true, confirmed };
}

function matches(result: TestResult, wanted: "passed" | "failed"): boolean {
  // A failed assertion is reported as a failure, or by some runners as an error.
  return wanted === "passed"
    ? result.status === "passed"
    : result.status === "failed" || result.status === "error";
}

function forged(confirmed: number, detail: string): CanaryCheck {
  return { ok: false, confirmed, detail: `results forged: ${detail}` };
}

/** The results without the canaries', for deciding on the task's own tests. */
export function withoutCanaries(
  tests: readonly TestResult[],
  canaries: readonly Canary[],
): TestResult[] {
  return tests.filter((t) => !canaries.some((c) => isCanaryResult(t, c)));
}
