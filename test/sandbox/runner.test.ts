import { describe, expect, it } from "vitest";
import {
  evaluateExpression,
  interpolate,
  tokenString,
  type ExpressionScope,
} from "../../src/sandbox/runner/expressions.ts";
import { parseKeyValueFile } from "../../src/sandbox/runner/file-commands.ts";
import { pathsPass, selectedBy } from "../../src/sandbox/runner/filter-patterns.ts";
import { planWorkflow } from "../../src/sandbox/runner/job-plan.ts";
import { parseWorkflowText } from "../../src/sandbox/runner/load-workflows.ts";
import { Masker, processOutput } from "../../src/sandbox/runner/workflow-commands.ts";
import { tokenPermissions } from "../../src/sandbox/runner/workflow-token.ts";

describe("runner: filter patterns", () => {
  it("matches branches the way GitHub's filter patterns do", () => {
    const branches = ["main", "releases/**", "!releases/**-alpha", "feat/*"];
    expect(selectedBy(branches, "main")).toBe(true);
    expect(selectedBy(branches, "releases/v1/hotfix")).toBe(true);
    expect(selectedBy(branches, "releases/v1-alpha")).toBe(false);
    expect(selectedBy(branches, "feat/x")).toBe(true);
    expect(selectedBy(branches, "feat/x/y")).toBe(false);
    expect(selectedBy(["v1.?"], "v1")).toBe(true);
    expect(selectedBy(["v1.?"], "v1.2")).toBe(false);
    expect(selectedBy(["v2+"], "v222")).toBe(true);
    expect(selectedBy(["[abc]-fix"], "b-fix")).toBe(true);
    expect(selectedBy(["*.md"], "a.md")).toBe(true);
  });

  it("applies paths and paths-ignore to the changed files", () => {
    expect(pathsPass({ paths: ["src/**"] }, ["docs/a.md", "src/b.ts"])).toBe(true);
    expect(pathsPass({ paths: ["src/**", "!src/**/*.md"] }, ["src/x/readme.md"])).toBe(false);
    expect(pathsPass({ "paths-ignore": ["docs/**"] }, ["docs/a.md"])).toBe(false);
    expect(pathsPass({ "paths-ignore": ["docs/**"] }, ["docs/a.md", "b.ts"])).toBe(true);
    expect(pathsPass({ paths: ["src/**"] }, undefined)).toBe(true);
  });
});

describe("runner: runner files and workflow commands", () => {
  it("reads GITHUB_OUTPUT lines and heredoc blocks", () => {
    const text = "a=1\nb=x=y\nmulti<<EOF\nline 1\nline 2\nEOF\nempty=\n";
    expect(parseKeyValueFile(text, "GITHUB_OUTPUT")).toEqual({
      a: "1",
      b: "x=y",
      multi: "line 1\nline 2",
      empty: "",
    });
    expect(() => parseKeyValueFile("x<<EOF\nno end\n", "GITHUB_OUTPUT")).toThrow(
      /Matching delimiter not found 'EOF'/,
    );
    expect(() => parseKeyValueFile("no separator\n", "GITHUB_ENV")).toThrow(/Invalid format/);
  });

  it("masks, annotates, groups and ignores set-output", () => {
    const masker = new Masker();
    masker.add("hunter2");
    const out = processOutput(
      [
        "password hunter2",
        "::add-mask::s3cret",
        "now s3cret is hidden",
        "::error file=src/a.ts,line=3,title=Bad%2C really::broken%0Atwice",
        "::warning::careful hunter2",
        "::group::Details",
        "inside",
        "::endgroup::",
        "::set-output name=x::1",
        "::stop-commands::tok",
        "::error::not a command now",
        "::tok::",
        "::notice::back",
      ].join("\n"),
      masker,
    );
    expect(out.lines).toEqual([
      "password ***",
      "now *** is hidden",
      "##[error]broken\ntwice",
      "##[warning]careful ***",
      "##[group]Details",
      "inside",
      "##[endgroup]",
      "##[warning]The `set-output` command is deprecated and ignored by the sandbox; write to GITHUB_OUTPUT.",
      "::error::not a command now",
      "##[notice]back",
    ]);
    expect(out.annotations).toEqual([
      { level: "error", message: "broken\ntwice", title: "Bad, really", file: "src/a.ts", line: 3 },
      { level: "warning", message: "careful ***" },
      { level: "notice", message: "back" },
    ]);
  });
});

describe("runner: expressions", () => {
  const scope: ExpressionScope = {
    contexts: {
      github: { ref: "refs/heads/main", event: { inputs: { n: "3" } } },
      steps: { s: { outputs: { v: "it's" } } },
    },
    status: { success: () => false, failure: () => true, cancelled: () => false },
  };

  it("evaluates contexts, functions, status functions and escaped quotes", () => {
    expect(evaluateExpression("github.ref == 'refs/heads/main'", scope).coerceString()).toBe(
      "true",
    );
    expect(
      evaluateExpression("format('{0} ''x'' ''y''', steps.s.outputs.v)", scope).coerceString(),
    ).toBe("it's 'x' 'y'");
    expect(evaluateExpression("failure() && !success()", scope).coerceString()).toBe("true");
    expect(evaluateExpression("fromJSON(github.event.inputs.n) == 3", scope).coerceString()).toBe(
      "true",
    );
    expect(evaluateExpression("steps.missing.outputs.v", scope).coerceString()).toBe("");
    expect(() => evaluateExpression("nope.x", scope)).toThrow(/nope/);
    expect(() => evaluateExpression("hashFiles('x')", scope)).toThrow(/not supported/);
  });

  it("interpolates ${{ }} in plain text", () => {
    expect(interpolate("ref=${{ github.ref }}, q=${{ '}}' }}", scope)).toBe(
      "ref=refs/heads/main, q=}}",
    );
  });

  it("evaluates multi-line run scripts from their YAML value, not their source", async () => {
    const loaded = await parseWorkflowText(
      "w.yml",
      [
        "on: push",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - run: |",
        "          echo '${{ github.ref }}' 'q'",
        "          echo done",
        "        shell: sh",
        "      - uses: docker://alpine",
        "    services:",
        "      db:",
        "        image: postgres",
      ].join("\n"),
    );
    expect(loaded.errors).toEqual([]);
    const plan = planWorkflow(loaded);
    const job = plan.jobs[0]!;
    expect(tokenString(job.steps[0]!.run!, scope)).toBe("echo 'refs/heads/main' 'q'\necho done\n");
    expect(job.steps[0]!.shell).toBe("sh");
    expect(job.unsupported).toEqual(["jobs.a.services", "jobs.a.steps[1].uses: docker://alpine"]);
  });

  it("reports invalid workflows with the parser's messages", async () => {
    const loaded = await parseWorkflowText("w.yml", "on: push\njobs:\n  a:\n    steps: 3\n");
    expect(loaded.template).toBeUndefined();
    expect(loaded.errors.join("\n")).toMatch(/steps|runs-on/);
  });
});

describe("runner: GITHUB_TOKEN permissions", () => {
  it("defaults to contents read and takes read-all, write-all and maps", async () => {
    const load = async (permissions: string) =>
      planWorkflow(
        await parseWorkflowText(
          "w.yml",
          `on: push\npermissions: ${permissions}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n`,
        ),
      );
    expect(tokenPermissions(undefined, undefined)).toEqual({ contents: "read", metadata: "read" });
    const readAll = await load("read-all");
    expect(tokenPermissions(undefined, readAll.permissions)).toMatchObject({
      contents: "read",
      issues: "read",
      pull_requests: "read",
      metadata: "read",
    });
    const map = await load("{ contents: write, pull-requests: read, issues: none }");
    expect(tokenPermissions(undefined, map.permissions)).toEqual({
      metadata: "read",
      contents: "write",
      pull_requests: "read",
    });
    const none = await load("{}");
    expect(tokenPermissions(undefined, none.permissions)).toEqual({ metadata: "read" });
    expect(tokenPermissions(readAll.permissions, map.permissions).issues).toBe("read");
  });
});
