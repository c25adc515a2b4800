import { summarizeMessage } from "./summarize.ts";
import { EvidenceError, type TestResult } from "./types.ts";

const STATUSES: Record<string, TestResult["status"]> = {
  PASSED: "passed",
  XPASS: "passed",
  FAILED: "failed",
  ERROR: "error",
  SKIPPED: "skipped",
  XFAIL: "skipped",
};
const WORD = "PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS";
/** A node id: no spaces before an optional `[parametrisation]`, which may hold anything. */
const ID = String.raw`[^\s\[]+(?:\[.*?\])?`;
/** The same, taking the longest `[...]` the rest of the line allows. */
const ID_GREEDY = String.raw`[^\s\[]+(?:\[.*\])?`;

/** `-rA` short test summary: `FAILED tests/t.py::test_b - AssertionError: ...`. */
const SUMMARY = new RegExp(String.raw`^(${WORD}) (${ID})(?: - (.*))?$`);
/** `-rA` summary of skips, which name a location instead of a node id: `SKIPPED [1] t.py:3: why`. */
const SKIP_SUMMARY = /^SKIPPED \[\d+\] (.+?:\d+): ?(.*)$/;
/** `-v` progress line: `tests/t.py::test_a PASSED [ 50%]`, `... SKIPPED (why) [ 75%]`. */
const VERBOSE = new RegExp(String.raw`^(${ID_GREEDY}) (${WORD})(?: \((.*)\))?(?:\s+\[\s*\d+%\])?$`);
/** pytest-xdist prefixes verbose lines with the worker and progress: `[gw0] [ 50%] `. */
const XDIST_PREFIX = /^\[gw\d+\]\s+(?:\[\s*\d+%\]\s+)?/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Parse pytest's terminal output the way SWE-bench's log parsers read it: the `-rA` short test
 * summary (`PASSED tests/t.py::test_a`, `FAILED tests/t.py::test_b - msg`, `ERROR ...`,
 * `SKIPPED [1] tests/t.py:3: reason`) and the `-v` progress lines (`tests/t.py::test_a PASSED
 * [ 50%]`).
 *
 * A result's id is the pytest node id (`path::Class::name[params]`, kept whole); a `-rA` skip,
 * which pytest reports by location, gets the id `path:line`. XPASS is "passed", XFAIL "skipped".
 * A collection error is an "error" result whose id is the file path. A test reported twice with
 * the same status (by `-v` and `-rA`) appears once, with the message of either line. Throws
 * {@link EvidenceError} when no result line is found.
 */
export function parsePytest(text: string): TestResult[] {
  const results: TestResult[] = [];
  const seen = new Map<string, TestResult>();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.replace(ANSI, "").trimEnd().replace(XDIST_PREFIX, "");
    const result = parseLine(line);
    if (result === undefined) continue;
    const key = `${result.status}\u0000${result.id}`;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, result);
      results.push(result);
    } else if (earlier.message === undefined && result.message !== undefined) {
      earlier.message = result.message;
    }
  }
  if (results.length === 0) {
    const what = text.trim() === "" ? "empty output" : "no result lines";
    throw new EvidenceError(
      `expected pytest output with result lines ("PASSED path::test" from -rA or "path::test PASSED" from -v), found ${what}`,
    );
  }
  return results;
}

function parseLine(line: string): TestResult | undefined {
  const skip = SKIP_SUMMARY.exec(line);
  if (skip) return make(skip[1], "SKIPPED", skip[2]);
  const summary = SUMMARY.exec(line);
  if (summary) return make(summary[2], summary[1], summary[3]);
  const verbose = VERBOSE.exec(line);
  if (verbose) return make(verbose[1], verbose[2], verbose[3]);
  return undefined;
}

function make(
  id: string | undefined,
  word: string | undefined,
  message: string | undefined,
): TestResult | undefined {
  const status = word === undefined ? undefined : STATUSES[word];
  if (id === undefined || status === undefined || !looksLikeNodeId(id)) return undefined;
  const result: TestResult = { id, status };
  const summary = summarizeMessage(message);
  if (summary !== undefined) result.message = summary;
  return result;
}

/** Keeps prose such as unittest's `FAILED (errors=1)` from passing for a test. */
function looksLikeNodeId(id: string): boolean {
  return id.includes("::") || id.includes("/") || /\.py(?::\d+)?$/.test(id);
}
