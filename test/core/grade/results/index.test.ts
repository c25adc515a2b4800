import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EvidenceError,
  matchRequiredTests,
  parseTestResults,
  type TestResult,
} from "../../../../src/core/grade/results/index.ts";
import { NODE_BROKEN, NODE_TESTS, nodeTest, removeDir, tempDir } from "./runners.ts";

describe("parseTestResults", () => {
  let dir: string;
  let tap: string;
  let junit: string;
  beforeAll(async () => {
    dir = tempDir({ "a.test.mjs": NODE_TESTS, "bad.test.mjs": NODE_BROKEN });
    [tap, junit] = await Promise.all([
      nodeTest("tap", ["a.test.mjs", "bad.test.mjs"], dir),
      nodeTest("junit", ["a.test.mjs", "bad.test.mjs"], dir),
    ]);
  });
  afterAll(() => removeDir(dir));

  it("gives node:test's tests the same ids and statuses through TAP and JUnit", () => {
    const fromTap = parseTestResults("tap", tap);
    const fromJunit = parseTestResults("junit", junit);
    const summary = (results: TestResult[]) => results.map(({ id, status }) => ({ id, status }));
    // TAP also reports suites and parents as test points; every JUnit testcase is among them.
    expect(summary(fromTap)).toEqual(expect.arrayContaining(summary(fromJunit)));
    expect(fromJunit.length).toBeGreaterThan(8);
    expect(fromTap.map((result) => result.id)).toContain("parent fails after children pass");
  });

  it("dispatches on the format and throws EvidenceError for output of another format", () => {
    expect(() => parseTestResults("junit", tap)).toThrow(EvidenceError);
    expect(() => parseTestResults("jest-json", tap)).toThrow(/expected a jest\/vitest JSON report/);
    expect(() => parseTestResults("pytest", junit)).toThrow(/expected pytest output/);
    expect(() => parseTestResults("tap", "")).toThrow(/expected TAP/);
  });
});

describe("matchRequiredTests", () => {
  const results: TestResult[] = [
    { id: "math > adds", status: "passed", aliases: ["math::adds", "math.adds"] },
    { id: "math > divides", status: "failed", aliases: ["math::divides"] },
    { id: "slow", status: "skipped" },
    { id: "twice", status: "passed" },
    { id: "twice", status: "error" },
    { id: "shadow", status: "passed" },
    { id: "other", status: "failed", aliases: ["shadow"] },
  ];

  it("matches by id, else by alias", () => {
    expect(matchRequiredTests(["math > adds", "math::adds", "math.adds"], results)).toEqual({
      missing: [],
      failing: [],
      passing: ["math > adds", "math::adds", "math.adds"],
    });
    expect(matchRequiredTests(["math::divides"], results).failing).toEqual(["math::divides"]);
  });

  it("prefers id matches to alias matches", () => {
    expect(matchRequiredTests(["shadow"], results).passing).toEqual(["shadow"]);
  });

  it("counts skipped tests and tests with any non-passing result as failing", () => {
    expect(matchRequiredTests(["slow", "twice"], results)).toEqual({
      missing: [],
      failing: ["slow", "twice"],
      passing: [],
    });
  });

  it("reports required tests nobody ran as missing, keeping the required order", () => {
    expect(matchRequiredTests(["nope", "math > adds", "math > Adds", "slow"], results)).toEqual({
      missing: ["nope", "math > Adds"],
      failing: ["slow"],
      passing: ["math > adds"],
    });
    expect(matchRequiredTests(["a", "a"], [])).toEqual({
      missing: ["a"],
      failing: [],
      passing: [],
    });
  });
});
