import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJunit } from "../../../../src/core/grade/results/junit.ts";
import { EvidenceError, type TestResult } from "../../../../src/core/grade/results/types.ts";
import {
  NODE_BROKEN,
  NODE_TESTS,
  PYTEST_BROKEN,
  PYTEST_TESTS,
  nodeTest,
  pytest,
  removeDir,
  tempDir,
} from "./runners.ts";

const INNER = 'outer suite > inner "quoted" > arrow ünïcödé ✓';

function byId(results: TestResult[], id: string): TestResult {
  const found = results.filter((result) => result.id === id);
  expect(found, `results with id ${JSON.stringify(id)}`).toHaveLength(1);
  return found[0]!;
}

describe("parseJunit on node:test's junit reporter", () => {
  let dir: string;
  let xml: string;
  let results: TestResult[];
  beforeAll(async () => {
    dir = tempDir({ "a.test.mjs": NODE_TESTS, "bad.test.mjs": NODE_BROKEN });
    xml = await nodeTest("junit", ["a.test.mjs", "bad.test.mjs"], dir);
    results = parseJunit(xml);
  });
  afterAll(() => removeDir(dir));

  it("names top-level tests by their name alone, with the classname aliases", () => {
    expect(byId(results, "top passes")).toMatchObject({
      status: "passed",
      aliases: ["test::top passes", "test.top passes", "test.py::top passes"],
    });
    expect(byId(results, "top fails")).toMatchObject({ status: "failed" });
    expect(byId(results, "top fails").message).toMatch(/strictly equal[\s\S]*1 !== 2/);
  });

  it("reads skip and todo as skipped, even a todo that failed", () => {
    expect(byId(results, "skipped one")).toMatchObject({ status: "skipped", message: "not now" });
    expect(byId(results, "todo one").status).toBe("skipped");
  });

  it("joins nested describe blocks with ' > ' and decodes entities in names and messages", () => {
    expect(byId(results, `${INNER} > deep pass`).status).toBe("passed");
    const failed = byId(results, `${INNER} > deep <fail> & stuff`);
    expect(failed).toMatchObject({ status: "failed", message: 'boom <&> "q"' });
    expect(failed.aliases).toContain(
      'outer suite.inner "quoted" > arrow ünïcödé ✓::deep <fail> & stuff',
    );
    expect(byId(results, "outer suite > parent with sub > sub ok").status).toBe("passed");
    expect(byId(results, "suite # hash > back\\slash").status).toBe("passed");
  });

  it("reports a file that fails to load as a failed testcase named after the file", () => {
    expect(byId(results, "bad.test.mjs")).toMatchObject({
      status: "failed",
      message: "test failed",
    });
  });

  it("has no testcase for suites: a parent's own failure is lost by node's junit reporter", () => {
    expect(byId(results, "parent fails after children pass > child ok").status).toBe("passed");
    expect(results.some((result) => result.id === "outer suite")).toBe(false);
    expect(results.some((result) => result.id === "parent fails after children pass")).toBe(false);
  });

  it("tolerates noise printed around the XML", () => {
    const noisy = `npm warn something\n${xml}\nDone in 0.2s </oops>\n`;
    expect(parseJunit(noisy)).toEqual(results);
  });

  it("rejects truncated XML with a helpful message", () => {
    const truncated = xml.slice(0, xml.indexOf("</testsuite>"));
    expect(() => parseJunit(truncated)).toThrow(EvidenceError);
    expect(() => parseJunit(truncated)).toThrow(/expected JUnit XML but it is malformed/);
  });
});

describe("parseJunit on pytest --junitxml", () => {
  let dir: string;
  let xml: string;
  let results: TestResult[];
  beforeAll(async () => {
    dir = tempDir({ "tests/test_x.py": PYTEST_TESTS, "tests/test_bad.py": PYTEST_BROKEN });
    await pytest(["-q", "--continue-on-collection-errors", "--junitxml=out.xml", "tests"], dir);
    xml = readFileSync(`${dir}/out.xml`, "utf8");
    results = parseJunit(xml);
  });
  afterAll(() => removeDir(dir));

  it("prefixes ids with pytest's single <testsuite name='pytest'> and aliases classname", () => {
    expect(byId(results, "pytest > test_pass")).toMatchObject({
      status: "passed",
      aliases: [
        "tests.test_x::test_pass",
        "tests.test_x.test_pass",
        "tests.py::test_x::test_pass",
        "tests/test_x.py::test_pass",
      ],
    });
    expect(byId(results, "pytest > test_method").aliases).toContain(
      "tests.test_x.TestGroup::test_method",
    );
  });

  it("maps failure, error, skip, xfail and xpass", () => {
    expect(byId(results, "pytest > test_fail")).toMatchObject({ status: "failed" });
    expect(byId(results, "pytest > test_fail").message).toMatch(/^AssertionError: one is not two/);
    expect(byId(results, "pytest > test_uses_broken")).toMatchObject({ status: "error" });
    expect(byId(results, "pytest > test_skip")).toMatchObject({ status: "skipped" });
    expect(byId(results, "pytest > test_xfail")).toMatchObject({ status: "skipped" });
    expect(byId(results, "pytest > test_xpass")).toMatchObject({ status: "passed" });
    expect(byId(results, "pytest > tests.test_bad")).toMatchObject({
      status: "error",
      message: "collection failure",
    });
  });

  it("keeps parametrised names whole, entities decoded", () => {
    expect(byId(results, "pytest > test_param[3-3]").status).toBe("failed");
    expect(byId(results, "pytest > test_param[x y-z]").status).toBe("passed");
    expect(byId(results, 'pytest > test_weird[q"uote]').status).toBe("passed");
    expect(byId(results, "pytest > test_weird[a > b]").status).toBe("passed");
    expect(byId(results, "pytest > test_weird[a - b]").status).toBe("failed");
  });

  it("reads a bare <testsuite> root", () => {
    const start = xml.indexOf("<testsuite ");
    const bare = xml.slice(start, xml.lastIndexOf("</testsuite>") + "</testsuite>".length);
    expect(bare.startsWith("<testsuite ")).toBe(true);
    expect(parseJunit(bare)).toEqual(results);
  });
});

describe("parseJunit on what is not evidence", () => {
  it("throws EvidenceError for empty output and for non-XML text", () => {
    expect(() => parseJunit("")).toThrow(/expected JUnit XML, found empty output/);
    expect(() => parseJunit("Error: Cannot find module 'x'\n")).toThrow(
      /expected JUnit XML, found no <testsuites> or <testsuite> element/,
    );
  });

  it("throws EvidenceError when a real run collected no tests", async () => {
    const dir = tempDir({ "tests/test_none.py": "x = 1\n" });
    try {
      await pytest(["-q", "--junitxml=out.xml", "tests"], dir);
      const xml = readFileSync(`${dir}/out.xml`, "utf8");
      expect(() => parseJunit(xml)).toThrow(EvidenceError);
      expect(() => parseJunit(xml)).toThrow(/at least one <testcase>/);
    } finally {
      removeDir(dir);
    }
  });
});
