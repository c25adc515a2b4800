import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJestJson } from "../../../../src/core/grade/results/jest-json.ts";
import { EvidenceError, type TestResult } from "../../../../src/core/grade/results/types.ts";
import { removeDir, tempDir, vitestJson } from "./runners.ts";

const VITEST_TESTS = String.raw`
import { test, describe, expect } from "vitest";
test("top passes", () => { console.log("{ not json }"); });
test("top fails", () => { expect(1).toBe(2); });
test.skip("skipped one", () => {});
test.todo("todo one");
describe("outer suite", () => {
  describe('inner "quoted" > arrow ünïcödé ✓', () => {
    test("deep pass", () => {});
    test("deep <fail> & stuff", () => { throw new Error('boom <&> "q"'); });
  });
});
`;
const HOOK_FAILS = String.raw`
import { test, afterAll } from "vitest";
afterAll(() => { throw new Error("hook broke"); });
test("fine", () => {});
`;
const BROKEN = `import { test } from "vitest";\ntest("x", () => { ;;;\n`;
const INNER = 'outer suite > inner "quoted" > arrow ünïcödé ✓';

function byId(results: TestResult[], id: string): TestResult {
  const found = results.filter((result) => result.id === id);
  expect(found, `results with id ${JSON.stringify(id)}`).toHaveLength(1);
  return found[0]!;
}

describe("parseJestJson on vitest run --reporter=json", () => {
  let dir: string;
  let report: string;
  let stdout: string;
  let results: TestResult[];
  beforeAll(async () => {
    dir = tempDir({ "a.test.js": VITEST_TESTS, "hook.test.js": HOOK_FAILS, "bad.test.js": BROKEN });
    ({ report, stdout } = await vitestJson(dir));
    results = parseJestJson(report);
  });
  afterAll(() => removeDir(dir));

  it("names tests by ancestor titles and title, aliased by fullName", () => {
    expect(byId(results, "top passes")).toEqual({ id: "top passes", status: "passed" });
    expect(byId(results, `${INNER} > deep pass`)).toEqual({
      id: `${INNER} > deep pass`,
      status: "passed",
      aliases: ['outer suite inner "quoted" > arrow ünïcödé ✓ deep pass'],
    });
  });

  it("keeps the first lines of failure messages", () => {
    expect(byId(results, "top fails").status).toBe("failed");
    expect(byId(results, "top fails").message).toMatch(/^AssertionError: expected 1 to be 2/);
    const deep = byId(results, `${INNER} > deep <fail> & stuff`);
    expect(deep.status).toBe("failed");
    expect(deep.message).toMatch(/^Error: boom <&> "q"/);
  });

  it("reads skipped and todo as skipped", () => {
    expect(byId(results, "skipped one").status).toBe("skipped");
    expect(byId(results, "todo one").status).toBe("skipped");
  });

  it("turns a file that failed to load into one error result named by its path", () => {
    const bad = byId(results, `${dir}/bad.test.js`);
    expect(bad.status).toBe("error");
    expect(bad.message).toMatch(/invalid JS syntax/);
  });

  it("adds an error result for a file whose hook failed although its tests passed", () => {
    expect(byId(results, "fine").status).toBe("passed");
    expect(byId(results, `${dir}/hook.test.js`)).toMatchObject({
      status: "error",
      message: "hook broke",
    });
  });

  it("finds the report among noise lines printed before and after it", () => {
    expect(stdout).toMatch(/JSON report written to/);
    const noisy = `${stdout}\n{ not json }\n${report}\n${stdout}\n}\n`;
    expect(parseJestJson(noisy)).toEqual(results);
    const pretty = `> npm test\n\n${JSON.stringify(JSON.parse(report), null, 2)}\nDone.\n`;
    expect(parseJestJson(pretty)).toEqual(results);
  });
});

describe("parseJestJson on what is not evidence", () => {
  it("throws EvidenceError for empty output", () => {
    expect(() => parseJestJson("  \n")).toThrow(EvidenceError);
    expect(() => parseJestJson("")).toThrow(/expected a jest\/vitest JSON report, found empty/);
  });

  it("throws EvidenceError for truncated or foreign JSON", () => {
    expect(() => parseJestJson('{"numTotalTests": 3, "testResults": [')).toThrow(
      /found no parseable JSON object/,
    );
    expect(() => parseJestJson('{"name": "lancer"}')).toThrow(
      /"testResults" array, found other JSON/,
    );
  });

  it("throws EvidenceError for a report without tests", () => {
    expect(() => parseJestJson('{"numTotalTests": 0, "testResults": []}')).toThrow(
      /with at least one test, found none/,
    );
  });
});
