import { Parser, type Result } from "tap-parser";
import { summarizeMessage } from "./summarize.ts";
import { EvidenceError, type TestResult } from "./types.ts";

/** What one TAP (sub)test level held, in order: its test points and its subtests. */
interface Level {
  /** The `# Subtest: name` heading, unescaped; "" for an unnamed (bare indented) subtest. */
  name: string;
  entries: Array<{ point: Result } | { child: Level }>;
}

/**
 * Parse TAP 13/14: `node --test --test-reporter=tap` (nested `# Subtest:` blocks with YAML
 * diagnostics) or any plain producer (`ok 1 - name`, `# SKIP`, `# TODO`, `Bail out!`).
 *
 * A result's id is the names of the enclosing subtests and the test point's name, joined with
 * " > "; a test point without a description is named `#<number>`. Every test point counts,
 * including a subtest's own closing point (a parent that fails after its children passed is a
 * failure). `# SKIP` and a failing `# TODO` are "skipped"; a bail out adds an "error" result.
 * Non-TAP lines are ignored. Throws {@link EvidenceError} when there is no test point at all.
 */
export function parseTap(text: string): TestResult[] {
  const root: Level = { name: "", entries: [] };
  let bailout: string | undefined;
  const parser = new Parser();
  listen(parser, root);
  parser.on("bailout", (reason: unknown) => {
    bailout = typeof reason === "string" ? reason : "";
  });
  parser.end(text);

  const results: TestResult[] = [];
  collect(root, [], results);
  if (bailout !== undefined) {
    const result: TestResult = { id: "Bail out!", status: "error" };
    const message = summarizeMessage(bailout);
    if (message !== undefined) result.message = message;
    results.push(result);
  }
  if (results.length === 0) {
    const what = text.trim() === "" ? "empty output" : "no test points";
    throw new EvidenceError(
      `expected TAP with at least one test point ("ok 1 - name" / "not ok 1 - name"), found ${what}`,
    );
  }
  return results;
}

function listen(parser: Parser, level: Level): void {
  parser.on("assert", (point: Result) => {
    level.entries.push({ point });
  });
  parser.on("child", (child: Parser) => {
    const sub: Level = { name: unescapeTap(child.name), entries: [] };
    level.entries.push({ child: sub });
    listen(child, sub);
  });
}

function collect(level: Level, path: string[], results: TestResult[]): void {
  level.entries.forEach((entry, index) => {
    if ("point" in entry) {
      results.push(toResult(entry.point, path));
      return;
    }
    // A subtest is named by its `# Subtest:` heading or, failing that, its closing test point.
    const next = level.entries[index + 1];
    const closing = next !== undefined && "point" in next ? next.point : undefined;
    const name = entry.child.name || (closing ? pointName(closing) : "");
    collect(entry.child, name ? [...path, name] : path, results);
  });
}

function toResult(point: Result, path: string[]): TestResult {
  const result: TestResult = { id: [...path, pointName(point)].join(" > "), status: "passed" };
  if (point.skip !== false) {
    result.status = "skipped";
  } else if (point.todo !== false) {
    result.status = point.ok ? "passed" : "skipped";
  } else if (!point.ok) {
    result.status = "failed";
  }
  const directive = point.skip !== false ? point.skip : point.todo;
  const message = summarizeMessage(
    result.status === "failed"
      ? diagnosticMessage(point.diag as unknown)
      : directiveReason(directive),
  );
  if (message !== undefined) result.message = message;
  return result;
}

function pointName(point: Result): string {
  return point.name.trim() || `#${point.id}`;
}

function directiveReason(directive: string | boolean): string | undefined {
  return typeof directive === "string" ? directive : undefined;
}

/** The error text of a failed point's YAML block: node:test's `error`, or a `message`. */
function diagnosticMessage(diag: unknown): string | undefined {
  if (typeof diag !== "object" || diag === null) return undefined;
  const record = diag as Record<string, unknown>;
  for (const key of ["error", "message"]) {
    const value = record[key];
    if (typeof value === "string") return value;
  }
  return undefined;
}

/** TAP escapes `\` and `#` in names; tap-parser undoes it for test points but not subtest headings. */
function unescapeTap(name: string): string {
  return name.replace(/\\([\\#])/g, "$1").trim();
}
