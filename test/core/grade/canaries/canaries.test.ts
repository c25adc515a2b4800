import { describe, expect, it } from "vitest";
import { decideRun } from "../../../../src/core/grade/decide-run.ts";
import { canaryCode } from "../../../../src/core/grade/canaries/canary-code.ts";
import { newCanarySet, type Canary } from "../../../../src/core/grade/canaries/canary-set.ts";
import { checkCanaries } from "../../../../src/core/grade/canaries/check-canaries.ts";
import { planCanaries } from "../../../../src/core/grade/canaries/plan-canaries.ts";
import { TestSpec } from "../../../../src/core/task/schema.ts";

const spec = (command: string, extra: Record<string, unknown> = {}) =>
  TestSpec.parse({ command, format: "tap", fail_to_pass: ["a"], ...extra });

describe("canary sets", () => {
  it("hold two must-pass and two must-fail canaries with names that differ per set", () => {
    const a = newCanarySet();
    const b = newCanarySet();
    expect(a.filter((c) => c.must === "fail")).toHaveLength(2);
    expect(a.filter((c) => c.must === "pass")).toHaveLength(2);
    expect(new Set([...a, ...b].map((c) => c.name)).size).toBe(8);
    for (const c of a) expect(c.name).toMatch(/^test_[a-z]+_[a-z]+_[a-z]+_[0-9a-f]{8}$/);
  });

  it("write Python functions whose must-fail assertion is false", () => {
    const canaries: Canary[] = [
      { name: "test_p", must: "pass" },
      { name: "test_f", must: "fail" },
    ];
    const code = canaryCode("python", canaries, { nodeTestFallback: false });
    const [pass, fail] = [...code.matchAll(/assert (\d+) == (\d+)/g)];
    expect(pass![1]).toBe(pass![2]);
    expect(fail![1]).not.toBe(fail![2]);
    expect(code).toMatch(/\n\ndef test_p\(\):\n/);
  });
});

describe("where canaries go", () => {
  it("into the file of the first FAIL_TO_PASS pytest id", () => {
    const s = TestSpec.parse({
      command: "python3 -m pytest -rA tests",
      format: "pytest",
      fail_to_pass: ["tests/test_b.py::test_x"],
    });
    expect(planCanaries(s, ["tests/test_a.py", "tests/test_b.py", "tests/conftest.py"])).toEqual({
      file: "tests/test_b.py",
      language: "python",
      nodeTestFallback: false,
    });
  });

  it("into a JavaScript test file the command names, with node:test as a fallback under node --test", () => {
    const placement = planCanaries(spec("node --test --test-reporter=tap test/b.test.js"), [
      "test/a.test.js",
      "test/b.test.js",
      "test/helper.txt",
    ]);
    expect(placement).toEqual({
      file: "test/b.test.js",
      language: "javascript",
      nodeTestFallback: true,
    });
  });

  it("nowhere when the command selects tests by name, the task turns them off, or no runner is known", () => {
    expect(
      planCanaries(spec("python3 -m pytest tests -k parse"), ["tests/test_a.py"]),
    ).toHaveProperty("none");
    expect(planCanaries(spec("npx mocha --grep parse test"), ["test/a.test.js"])).toHaveProperty(
      "none",
    );
    expect(planCanaries(spec("bash test/run.sh"), ["test/run.sh"])).toHaveProperty("none");
    expect(
      planCanaries(spec("node --test test/a.test.js", { canaries: false }), ["test/a.test.js"]),
    ).toEqual({
      none: "turned off by the task (hidden.test.canaries: false)",
    });
  });
});

describe("checking a run's canaries", () => {
  const canaries: Canary[] = [
    { name: "test_keeps_zero_1a2b3c4d", must: "pass" },
    { name: "test_trims_map_5e6f7a8b", must: "fail" },
  ];
  const pass = { id: "test_keeps_zero_1a2b3c4d", status: "passed" as const };
  const fail = { id: "tests/t.py::test_trims_map_5e6f7a8b", status: "failed" as const };

  it("confirms canaries reported with their known outcome, under any id form", () => {
    expect(checkCanaries(canaries, [pass, fail])).toEqual({ ok: true, confirmed: 2 });
    expect(
      checkCanaries(canaries, [{ ...pass, id: "suite > test_keeps_zero_1a2b3c4d" }, fail]),
    ).toEqual({
      ok: true,
      confirmed: 2,
    });
  });

  it("names the canary that is missing or has the wrong outcome", () => {
    expect(checkCanaries(canaries, [pass])).toMatchObject({
      ok: false,
      detail: "results forged: canary test_trims_map_5e6f7a8b (must fail) was not reported",
    });
    expect(checkCanaries(canaries, [pass, { ...fail, status: "passed" }])).toMatchObject({
      ok: false,
      detail: "results forged: canary test_trims_map_5e6f7a8b (must fail) was reported passed",
    });
  });
});

describe("deciding a run with canaries", () => {
  const canaries: Canary[] = [
    { name: "test_c1", must: "pass" },
    { name: "test_c2", must: "fail" },
  ];
  const tap = (lines: string[]) =>
    [
      "TAP version 13",
      ...lines.map((l, i) => l.replace("#", String(i + 1))),
      `1..${lines.length}`,
    ].join("\n");
  const s = spec("node --test x", { pass_to_pass: [] });

  it("passes when the task's tests pass and the must-fail canary failed, reading its exit 1 as 0", () => {
    const text = tap(["ok # - a", "ok # - test_c1", "not ok # - test_c2"]);
    const d = decideRun(s, { exitCode: 1, timedOut: false, text }, canaries);
    expect(d).toMatchObject({ verdict: "pass", reason: "ok", canariesConfirmed: 2 });
    expect(d.tests.map((t) => t.id)).toEqual(["a"]);
  });

  it("is forged when the runner exits 0 although a canary must fail, with or without results", () => {
    const text = tap(["ok # - a", "ok # - test_c1", "not ok # - test_c2"]);
    expect(decideRun(s, { exitCode: 0, timedOut: false, text }, canaries)).toMatchObject({
      verdict: "fail",
      reason: "results-forged",
    });
    expect(decideRun(s, { exitCode: 0, timedOut: false, text: "" }, canaries)).toMatchObject({
      verdict: "fail",
      reason: "results-forged",
      detail: "results forged: the test command exited 0 although canary test_c2 must fail",
    });
  });

  it("stays an error without results when the command failed (no proof of forgery)", () => {
    expect(decideRun(s, { exitCode: 127, timedOut: false, text: "" }, canaries)).toMatchObject({
      verdict: "error",
      reason: "no-evidence",
    });
  });

  it("still fails a task test that failed", () => {
    const text = tap(["not ok # - a", "ok # - test_c1", "not ok # - test_c2"]);
    expect(decideRun(s, { exitCode: 1, timedOut: false, text }, canaries)).toMatchObject({
      verdict: "fail",
      reason: "tests-failed",
    });
  });
});
