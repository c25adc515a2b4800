/** One test as the test runner reported it. */
export interface TestResult {
  /** Canonical id: enclosing suite names and the test name joined with " > " (pytest: its node id). */
  id: string;
  /** Other spellings a task may use for the same test (e.g. JUnit `classname::name`). */
  aliases?: string[];
  status: "passed" | "failed" | "skipped" | "error";
  /** First lines of the failure message, for reports. */
  message?: string;
}

/** Thrown when the runner's output holds no readable results: the grader turns it into `error`. */
export class EvidenceError extends Error {
  override name = "EvidenceError";
}
