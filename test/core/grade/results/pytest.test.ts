import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePytest } from "../../../../src/core/grade/results/pytest.ts";
import { EvidenceError, type TestResult } from "../../../../src/core/grade/results/types.ts";
import { PYTEST_BROKEN, PYTEST_TESTS, pytest, removeDir, tempDir } from "./runners.ts";

const X = "tests/test_x.py";

function byId(results: TestResult[], id: string): TestResult {
  const found = results.filter((result) => result.id === id);
  expect(found, `results with id ${JSON.stringify(id)}`).toHaveLength(1);
  return found[0]!;
}

function statuses(results: TestResult[]): Record<string, string> {
  return Object.fromEntries(results.map((result) => [result.id, result.status]));
}

/** What both output forms must agree on (skips aside: -rA reports them by location). */
const EXPECTED: Record<string, TestResult["status"]> = {
  [`${X}::test_pass`]: "passed",
  [`${X}::test_fail`]: "failed",
  [`${X}::test_xfail`]: "skipped",
  [`${X}::test_xpass`]: "passed",
  [`${X}::test_param[1-2]`]: "passed",
  [`${X}::test_param[3-3]`]: "failed",
  [`${X}::test_param[x y-z]`]: "passed",
  // pytest escapes non-ASCII characters in parametrised ids
  [`${X}::test_weird[\\xfcn\\xef \\u2713]`]: "passed",
  [`${X}::test_weird[a > b]`]: "passed",
  [`${X}::test_weird[q"uote]`]: "passed",
  [`${X}::test_weird[a - b]`]: "failed",
  [`${X}::TestGroup::test_method`]: "passed",
  [`${X}::test_uses_broken`]: "error",
  "tests/test_bad.py": "error",
};

describe("parsePytest on real pytest runs", () => {
  let dir: string;
  let summary: string;
  let verbose: string;
  let both: string;
  let interrupted: string;
  beforeAll(async () => {
    dir = tempDir({ [X]: PYTEST_TESTS, "tests/test_bad.py": PYTEST_BROKEN });
    const common = ["--continue-on-collection-errors", "tests"];
    [summary, verbose, both, interrupted] = await Promise.all([
      pytest(["-rA", ...common], dir),
      pytest(["-v", ...common], dir),
      pytest(["-v", "-rA", ...common], dir),
      pytest(["-rA", "tests"], dir),
    ]);
  });
  afterAll(() => removeDir(dir));

  it("reads the -rA short test summary", () => {
    const results = parsePytest(summary);
    expect(statuses(results)).toEqual({ ...EXPECTED, [`${X}:10`]: "skipped" });
    expect(byId(results, `${X}::test_fail`).message).toBe("AssertionError: one is not two");
    expect(byId(results, `${X}::test_weird[a - b]`).message).toMatch(/^AssertionError: dash/);
    expect(byId(results, `${X}::test_uses_broken`).message).toBe("RuntimeError: fixture broke");
    expect(byId(results, `${X}::test_xfail`).message).toBe("known bug");
  });

  it("names a -rA skip by its location, as pytest does", () => {
    expect(summary).toMatch(/^SKIPPED \[1\] tests\/test_x\.py:10: not now$/m);
    expect(byId(parsePytest(summary), `${X}:10`)).toEqual({
      id: `${X}:10`,
      status: "skipped",
      message: "not now",
    });
  });

  it("reads the -v progress lines, skips by node id", () => {
    const results = parsePytest(verbose);
    expect(statuses(results)).toEqual({ ...EXPECTED, [`${X}::test_skip`]: "skipped" });
    expect(byId(results, `${X}::test_skip`).message).toBe("not now");
    expect(verbose).toMatch(/^tests\/test_x\.py::test_fail FAILED +\[ *\d+%\]$/m);
    // the default -rfE summary repeats failures; the message comes from there
    expect(byId(results, `${X}::test_fail`).message).toBe("AssertionError: one is not two");
  });

  it("reports each test once when -v and -rA repeat it", () => {
    const results = parsePytest(both);
    expect(statuses(results)).toEqual({
      ...EXPECTED,
      [`${X}::test_skip`]: "skipped",
      [`${X}:10`]: "skipped",
    });
    expect(results).toHaveLength(Object.keys(EXPECTED).length + 2);
  });

  it("reads an interrupted run where only the collection error is reported", () => {
    expect(interrupted).toMatch(/Interrupted: 1 error during collection/);
    expect(parsePytest(interrupted)).toEqual([{ id: "tests/test_bad.py", status: "error" }]);
  });

  it("strips colours and pytest-xdist prefixes", () => {
    const coloured = `\u001b[32mPASSED\u001b[0m ${X}::test_pass\n[gw1] [ 50%] FAILED ${X}::test_fail \n`;
    expect(parsePytest(coloured)).toEqual([
      { id: `${X}::test_pass`, status: "passed" },
      { id: `${X}::test_fail`, status: "failed" },
    ]);
  });
});

describe("parsePytest on what is not evidence", () => {
  it("throws EvidenceError for empty output", () => {
    expect(() => parsePytest("")).toThrow(EvidenceError);
    expect(() => parsePytest("\n")).toThrow(
      /expected pytest output with result lines.*empty output/,
    );
  });

  it("throws EvidenceError when a real run collected nothing", async () => {
    const dir = tempDir({ "tests/test_none.py": "x = 1\n" });
    try {
      const output = await pytest(["-rA", "-v", "tests"], dir);
      expect(output).toMatch(/no tests ran/);
      expect(() => parsePytest(output)).toThrow(/found no result lines/);
    } finally {
      removeDir(dir);
    }
  });

  it("does not take unittest's summary for a test", () => {
    expect(() => parsePytest("Ran 3 tests in 0.001s\n\nFAILED (errors=1)\n")).toThrow(
      EvidenceError,
    );
  });
});
