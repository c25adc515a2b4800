import { summarizeMessage } from "./summarize.ts";
import { EvidenceError, type TestResult } from "./types.ts";

const STATUSES: Record<string, TestResult["status"]> = {
  passed: "passed",
  failed: "failed",
  pending: "skipped",
  skipped: "skipped",
  todo: "skipped",
  disabled: "skipped",
};

/**
 * Parse the JSON report of `jest --json` or `vitest run --reporter=json`.
 *
 * A result's id is `ancestorTitles` and `title` joined with " > "; its alias is `fullName`.
 * pending/skipped/todo/disabled are "skipped". A test file that failed without running a failing
 * test (syntax error, import error, failing hook) becomes an "error" result whose id is the file
 * path as the report gives it. Noise printed before or after the JSON object is ignored. Throws
 * {@link EvidenceError} when no report can be found or it holds no results.
 */
export function parseJestJson(text: string): TestResult[] {
  const report = findReport(text);
  const results: TestResult[] = [];
  for (const file of report.testResults) {
    if (typeof file !== "object" || file === null) continue;
    const { assertionResults, status, message: rawMessage, name } = file as Record<string, unknown>;
    const assertions = Array.isArray(assertionResults) ? (assertionResults as unknown[]) : [];
    const fileResults = assertions.flatMap((assertion) => toResult(assertion) ?? []);
    results.push(...fileResults);
    const fileMessage = typeof rawMessage === "string" ? rawMessage : "";
    const anyFailed = fileResults.some((result) => result.status === "failed");
    if (status === "failed" && !anyFailed && (fileResults.length === 0 || fileMessage.trim())) {
      const id = typeof name === "string" && name !== "" ? name : "(unnamed test file)";
      const message = summarizeMessage(fileMessage) ?? "test file failed";
      results.push({ id, status: "error", message });
    }
  }
  if (results.length === 0) {
    throw new EvidenceError(
      "expected a jest/vitest JSON report with at least one test, found none",
    );
  }
  return results;
}

function toResult(assertion: unknown): TestResult | undefined {
  if (typeof assertion !== "object" || assertion === null) return undefined;
  const { ancestorTitles, title, fullName, status, failureMessages } = assertion as Record<
    string,
    unknown
  >;
  if (typeof title !== "string") return undefined;
  const ancestors = Array.isArray(ancestorTitles)
    ? ancestorTitles.filter((part): part is string => typeof part === "string")
    : [];
  const id = [...ancestors, title].join(" > ");
  const mapped = typeof status === "string" ? STATUSES[status] : undefined;
  const result: TestResult = { id, status: mapped ?? "error" };
  if (typeof fullName === "string" && fullName !== id) result.aliases = [fullName];
  const messages = Array.isArray(failureMessages)
    ? failureMessages.filter((part): part is string => typeof part === "string")
    : [];
  const summary =
    mapped === undefined
      ? `unknown test status ${JSON.stringify(status)}`
      : summarizeMessage(messages.join("\n"));
  if (summary !== undefined) result.message = summary;
  return result;
}

/** The report object in `text`: the whole text, or a `{ ... }` block between noise lines. */
function findReport(text: string): { testResults: unknown[] } {
  if (text.trim() === "") {
    throw new EvidenceError("expected a jest/vitest JSON report, found empty output");
  }
  const whole = tryParse(text);
  if (isReport(whole)) return whole;
  // The report starts a line (`jest --json` prints it on one line) and ends one.
  const starts = indexesOf(text, /^\{/gm).slice(0, 20);
  const ends = indexesOf(text, /\}[ \t]*\r?$/gm)
    .map((index) => index + 1)
    .reverse()
    .slice(0, 20);
  let sawJson = whole !== undefined;
  for (const start of starts) {
    for (const end of ends) {
      if (end <= start) break;
      const value = tryParse(text.slice(start, end));
      if (value === undefined) continue;
      sawJson = true;
      if (isReport(value)) return value;
    }
  }
  throw new EvidenceError(
    sawJson
      ? 'expected a jest/vitest JSON report with a "testResults" array, found other JSON'
      : "expected a jest/vitest JSON report, found no parseable JSON object",
  );
}

function indexesOf(text: string, pattern: RegExp): number[] {
  return Array.from(text.matchAll(pattern), (match) => match.index);
}

function tryParse(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

function isReport(value: unknown): value is { testResults: unknown[] } {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as Record<string, unknown>).testResults)
  );
}
