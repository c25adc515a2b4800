import { parseJestJson } from "./jest-json.ts";
import { parseJunit } from "./junit.ts";
import { parsePytest } from "./pytest.ts";
import { parseTap } from "./tap.ts";
import type { TestResult } from "./types.ts";

export { EvidenceError, type TestResult } from "./types.ts";

/** The test-output formats {@link parseTestResults} reads. */
export type ResultFormat = "junit" | "tap" | "jest-json" | "pytest";

const PARSERS: Record<ResultFormat, (text: string) => TestResult[]> = {
  junit: parseJunit,
  tap: parseTap,
  "jest-json": parseJestJson,
  pytest: parsePytest,
};

/**
 * Turn a test runner's output into test results. Throws `EvidenceError` when the text holds no
 * results at all (empty or unparseable output, zero tests).
 */
export function parseTestResults(format: ResultFormat, text: string): TestResult[] {
  return PARSERS[format](text);
}

/** How the required tests fared; each list keeps the order of `required`. */
export interface RequiredTestsMatch {
  /** No result has this id (or, failing that, this alias). */
  missing: string[];
  /** Some matching result is failed, errored or skipped. */
  failing: string[];
  /** Every matching result passed. */
  passing: string[];
}

/**
 * Match required test ids against results: a required id matches the results whose `id` equals
 * it or, if there are none, the results whose `aliases` contain it. It is passing only if it
 * matched at least one result and all of them passed; a skipped test is failing.
 */
export function matchRequiredTests(required: string[], results: TestResult[]): RequiredTestsMatch {
  const match: RequiredTestsMatch = { missing: [], failing: [], passing: [] };
  for (const wanted of new Set(required)) {
    let matched = results.filter((result) => result.id === wanted);
    if (matched.length === 0) {
      matched = results.filter((result) => result.aliases?.includes(wanted) ?? false);
    }
    if (matched.length === 0) match.missing.push(wanted);
    else if (matched.every((result) => result.status === "passed")) match.passing.push(wanted);
    else match.failing.push(wanted);
  }
  return match;
}
