import { describe, expect, it } from "vitest";
import {
  InputError,
  parseBankLocation,
  readInputs,
  requireInputs,
} from "../../src/action/inputs.ts";

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

const reader = (given: Record<string, string>) => (name: string) => given[name] ?? "";

describe("Action inputs", () => {
  it("applies the defaults of action.yml when inputs are empty", () => {
    const inputs = readInputs(reader({ task: "js-lru-cache-ttl" }));
    expect(inputs).toMatchObject({
      mode: "grade",
      phase: "all",
      report: "check-run",
      runs: 3,
      path: ".",
      task: "js-lru-cache-ttl",
      permissions: { contents: "read" },
    });
    expect(inputs.token).toBeUndefined();
  });

  it("names every bad input, what it got and what was expected", () => {
    const error = errorOf(() =>
      readInputs(reader({ mode: "grading", runs: "0", sha: "abc", "api-base-url": "nope" })),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message.split("\n")).toEqual([
      'input \'mode\': expected one of "grade"|"solve"|"token" (got \'grading\')',
      "input 'runs': expected a whole number ≥ 1 (got '0')",
      "input 'sha': expected a 40-character commit id (got 'abc')",
      "input 'api-base-url': expected an http(s) URL (got 'nope')",
    ]);
  });

  it("never quotes the other inputs' credentials in an error", () => {
    const error = errorOf(() =>
      readInputs(
        reader({ permissions: "contents=all", "private-key": "-----BEGIN KEY", token: "ghs_x" }),
      ),
    );
    expect(error.message).toMatch(/^input 'permissions': expected name:read/);
    expect(error.message).not.toMatch(/BEGIN|ghs_x/);
  });

  it("reads permissions and bank locations", () => {
    expect(
      readInputs(reader({ permissions: "checks:write, pull_requests:write" })).permissions,
    ).toEqual({
      checks: "write",
      pull_requests: "write",
    });
    expect(parseBankLocation("acme/bank@v2")).toEqual({
      kind: "repository",
      owner: "acme",
      repo: "bank",
      ref: "v2",
    });
    expect(parseBankLocation("acme/bank")).toMatchObject({ kind: "repository", ref: undefined });
    expect(parseBankLocation("./fixtures/tasks")).toEqual({
      kind: "folder",
      path: "./fixtures/tasks",
    });
    expect(parseBankLocation("/abs/bank")).toEqual({ kind: "folder", path: "/abs/bank" });
  });

  it("requires what a mode needs, naming each missing input", () => {
    const inputs = readInputs(reader({}));
    expect(() => requireInputs(inputs, ["task", "bank"], "in mode 'grade'")).toThrow(
      "input 'task' is required in mode 'grade'\ninput 'bank' is required in mode 'grade'",
    );
  });
});
