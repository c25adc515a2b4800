import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTap } from "../../../../src/core/grade/results/tap.ts";
import { EvidenceError, type TestResult } from "../../../../src/core/grade/results/types.ts";
import { NODE_BROKEN, NODE_TESTS, nodeTest, removeDir, stdoutOf, tempDir } from "./runners.ts";

const INNER = 'outer suite > inner "quoted" > arrow ünïcödé ✓';

function byId(results: TestResult[], id: string): TestResult {
  const found = results.filter((result) => result.id === id);
  expect(found, `results with id ${JSON.stringify(id)}`).toHaveLength(1);
  return found[0]!;
}

function bash(script: string): Promise<string> {
  return stdoutOf("bash", ["-c", script], process.cwd());
}

describe("parseTap on node --test --test-reporter=tap", () => {
  let dir: string;
  let tap: string;
  let results: TestResult[];
  beforeAll(async () => {
    dir = tempDir({ "a.test.mjs": NODE_TESTS, "bad.test.mjs": NODE_BROKEN });
    tap = await nodeTest("tap", ["a.test.mjs", "bad.test.mjs"], dir);
    results = parseTap(tap);
  });
  afterAll(() => removeDir(dir));

  it("reads top-level tests, with the YAML error as message", () => {
    expect(byId(results, "top passes").status).toBe("passed");
    expect(byId(results, "top fails").status).toBe("failed");
    expect(byId(results, "top fails").message).toMatch(/strictly equal[\s\S]*1 !== 2/);
  });

  it("reads # SKIP and a failing # TODO as skipped", () => {
    expect(byId(results, "skipped one")).toMatchObject({ status: "skipped", message: "not now" });
    expect(byId(results, "todo one").status).toBe("skipped");
  });

  it("joins subtest names with ' > ', keeping quotes, '>' and unicode", () => {
    expect(byId(results, `${INNER} > deep pass`).status).toBe("passed");
    expect(byId(results, `${INNER} > deep <fail> & stuff`)).toMatchObject({
      status: "failed",
      message: 'boom <&> "q"',
    });
    expect(byId(results, "outer suite > parent with sub > sub ok").status).toBe("passed");
  });

  it("counts suites and parents as results of their own", () => {
    expect(byId(results, INNER)).toMatchObject({ status: "failed", message: "1 subtest failed" });
    expect(byId(results, "outer suite").status).toBe("failed");
    expect(byId(results, "outer suite > parent with sub").status).toBe("passed");
  });

  it("fails a parent that threw after all its children passed", () => {
    expect(byId(results, "parent fails after children pass > child ok").status).toBe("passed");
    expect(byId(results, "parent fails after children pass")).toMatchObject({
      status: "failed",
      message: "parent boom",
    });
  });

  it("unescapes \\# and \\\\ in test and subtest names", () => {
    expect(tap).toContain("# Subtest: suite \\# hash");
    expect(byId(results, "suite # hash > back\\slash").status).toBe("passed");
    expect(byId(results, "suite # hash").status).toBe("passed");
  });

  it("ignores TAP-looking lines a test printed, and reports an unloadable file as failed", () => {
    expect(tap).toContain("# ok 99 - fake");
    expect(results.some((result) => result.id.includes("fake"))).toBe(false);
    expect(byId(results, "prints noise").status).toBe("passed");
    expect(byId(results, "bad.test.mjs")).toMatchObject({
      status: "failed",
      message: "test failed",
    });
  });
});

describe("parseTap on plain TAP printed by a bash script", () => {
  it("reads ok / not ok / SKIP / TODO, unnamed points and bare indented subtests among noise", async () => {
    const tap = await bash(
      [
        "echo 'setting up...'",
        "echo 'TAP version 14'",
        "echo '1..6'",
        "echo 'ok 1 - first thing'",
        "echo 'not ok 2 - second thing'",
        "echo '  ---'",
        "echo \"  message: 'boom'\"",
        "echo '  ...'",
        "echo 'random noise: not tap'",
        "echo 'ok 3 - skipped thing # SKIP no db'",
        "echo 'not ok 4 - todo thing # TODO later'",
        "echo 'ok 5'",
        "echo '    ok 1 - inner a'",
        "echo '    not ok 2 - inner b'",
        "echo '    1..2'",
        "echo 'not ok 6 - bare parent'",
      ].join("; "),
    );
    expect(parseTap(tap)).toEqual([
      { id: "first thing", status: "passed" },
      { id: "second thing", status: "failed", message: "boom" },
      { id: "skipped thing", status: "skipped", message: "no db" },
      { id: "todo thing", status: "skipped", message: "later" },
      { id: "#5", status: "passed" },
      { id: "bare parent > inner a", status: "passed" },
      { id: "bare parent > inner b", status: "failed" },
      { id: "bare parent", status: "failed" },
    ]);
  });

  it("turns a bail out into an error result after the points seen so far", async () => {
    const tap = await bash(
      "printf 'TAP version 13\\n1..3\\nok 1 - a\\n# Subtest: grp\\n    ok 1 - x\\n    Bail out! db down\\nnot ok 2 - grp\\nok 3 - c\\n'",
    );
    expect(parseTap(tap)).toEqual([
      { id: "a", status: "passed" },
      { id: "grp > x", status: "passed" },
      { id: "Bail out!", status: "error", message: "db down" },
    ]);
  });

  it("keeps a passing # TODO as passed", async () => {
    const tap = await bash("echo 'TAP version 13'; echo 'ok 1 - done early # TODO'; echo '1..1'");
    expect(parseTap(tap)).toEqual([{ id: "done early", status: "passed" }]);
  });
});

describe("parseTap on what is not evidence", () => {
  it("throws EvidenceError for empty output", () => {
    expect(() => parseTap("")).toThrow(EvidenceError);
    expect(() => parseTap("")).toThrow(/expected TAP with at least one test point.*empty output/);
  });

  it("throws EvidenceError when there is no test point", async () => {
    const crash = await bash(
      "echo 'TAP version 13'; echo 'Error: cannot find module'; echo '1..0'",
    );
    expect(() => parseTap(crash)).toThrow(/found no test points/);
    const skipAll = await bash("echo 'TAP version 13'; echo '1..0 # SKIP no tests here'");
    expect(() => parseTap(skipAll)).toThrow(EvidenceError);
  });
});
