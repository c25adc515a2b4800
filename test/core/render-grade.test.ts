import { describe, expect, it } from "vitest";
import {
  compactDocument,
  errorDocument,
  parseGradeDocument,
  type GradeDocument,
} from "../../src/core/grade/grade-document.ts";
import {
  checkOutput,
  failureAnnotations,
  payoutComment,
  testTablesMarkdown,
} from "../../src/core/report/render-grade.ts";

function doc(overrides: Partial<GradeDocument>): GradeDocument {
  return {
    version: 1,
    task_id: "t1",
    verdict: "fail",
    reason: "tests-failed",
    detail: "1 required test failed",
    tests_passed: 1,
    tests_failed: 1,
    fail_to_pass: ["fixes it"],
    pass_to_pass: ["keeps | working"],
    runs: [
      {
        index: 1,
        verdict: "fail",
        reason: "tests-failed",
        detail: "",
        exit_code: 1,
        duration_ms: 40,
        tests_passed: 1,
        tests_failed: 1,
        tests: [
          { id: "fixes it", status: "failed", message: "expected 2, got 3" },
          { id: "keeps | working", status: "passed" },
          { id: "unrelated", status: "passed" },
        ],
        output_tail: "x".repeat(5000),
      },
    ],
    candidate: { repository: "o/r", sha: "a".repeat(40) },
    graded_at: "2026-11-24T00:00:00.000Z",
    ...overrides,
  };
}

describe("rendering a grade", () => {
  it("shows pass, fail and error with the bank's price, never $0 for an error", () => {
    expect(checkOutput(doc({ verdict: "pass", reason: "ok" }), 100000)).toMatchObject({
      conclusion: "success",
      title: "pass: $1,000 earned",
    });
    expect(checkOutput(doc({}), 100000)).toMatchObject({
      conclusion: "failure",
      title: "fail (tests-failed): $0 of $1,000",
    });
    const error = checkOutput(errorDocument("t1", "bank unreadable", {}), 100000);
    expect(error.conclusion).toBe("neutral");
    expect(error.title).toBe("grading error: no payout decided");
    expect(`${error.title}${error.summary}`).not.toContain("$0");
    expect(checkOutput(errorDocument("t1", "x", {}), undefined).summary).toContain(
      "No payout decided",
    );
  });

  it("tables every required test with its role, escaping table syntax", () => {
    const table = testTablesMarkdown(doc({}));
    expect(table).toContain("| fixes it | fail → pass | ❌ failed |");
    expect(table).toContain("| keeps \\| working | pass → pass | ✅ passed |");
    expect(table).not.toContain("unrelated");
  });

  it("annotates each required test that did not pass", () => {
    expect(failureAnnotations(doc({}))).toEqual([
      { title: "Hidden test failed: fixes it", message: "expected 2, got 3" },
    ]);
    expect(failureAnnotations(doc({ verdict: "pass", reason: "ok" }))).toEqual([]);
    expect(
      failureAnnotations(doc({ reason: "tamper", detail: "test/x.js is a hidden file" })),
    ).toEqual([
      {
        title: "Lancer: the change touches files it must not change",
        message: "test/x.js is a hidden file",
      },
    ]);
  });

  it("marks the payout comment so a later report edits it", () => {
    expect(payoutComment(doc({}), 500, 2, undefined)).toMatch(
      /^<!-- lancer:payout task=t1 attempt=2 -->\n### ❌ Lancer — fail/,
    );
  });

  it("round-trips through JSON and shrinks for workflow outputs", () => {
    const full = doc({});
    expect(parseGradeDocument(JSON.stringify(full), "x")).toEqual(full);
    const small = compactDocument(full);
    expect(small.runs[0]!.tests.map((t) => t.id)).toEqual(["fixes it", "keeps | working"]);
    expect(small.runs[0]!.output_tail.length).toBe(1500);
    expect(() => parseGradeDocument('{"version":2}', "input 'result'")).toThrow(
      /^input 'result': not a Lancer grade result: version/,
    );
    expect(() => parseGradeDocument("{", "f.json")).toThrow(/^f.json: not JSON/);
  });
});
