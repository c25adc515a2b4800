import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { writeTinyManagerTask } from "../helpers/tiny-bank.ts";
import { expectNamedError, snapshotTree } from "./harness.ts";
import { makeLayout, testSpec, type Layout } from "./layout.ts";

/**
 * Flags and arguments of grade, run, validate, tasks and checkout: a bad value is named in
 * one line with exit code 1 and nothing is created or changed; a good value given in an
 * unusual form (a relative folder) works.
 */
async function refused(layout: Layout, args: string[], ...culprits: (string | RegExp)[]) {
  const before = snapshotTree(layout.root);
  const result = await runLancer(args, { cwd: layout.root });
  expect(result.exitCode, result.stderr).toBe(1);
  expectNamedError(result.stderr, ...culprits);
  expect(snapshotTree(layout.root)).toEqual(before);
  layout.sentinels.check();
  return result;
}

function file(layout: Layout, name: string, text: string): string {
  const full = path.join(layout.root, name);
  writeFileSync(full, text);
  return full;
}

const gradeArgs = (l: Layout, ...rest: string[]) => [
  "grade",
  l.bank,
  "tiny-add",
  ...rest,
  ...l.flags,
];

describe("lancer grade: the candidate", () => {
  it("refuses an empty patch file instead of grading it as a candidate", async () => {
    const l = makeLayout();
    const patch = file(l, "empty.patch", "");
    await refused(l, gradeArgs(l, "--patch", patch), /--patch: .*empty\.patch is empty/);
  });

  it("refuses a patch file of blank lines", async () => {
    const l = makeLayout();
    const patch = file(l, "blank.patch", "\n  \n\n");
    await refused(l, gradeArgs(l, "--patch", patch), /--patch: .*blank\.patch is empty/);
  });

  it("refuses a patch file that is not a diff", async () => {
    const l = makeLayout();
    const patch = file(l, "notes.patch", "I fixed it, trust me\n");
    await refused(
      l,
      gradeArgs(l, "--patch", patch),
      /--patch: .*notes\.patch is not a unified diff/,
    );
  });

  it("names a patch file that does not exist", async () => {
    const l = makeLayout();
    await refused(
      l,
      gradeArgs(l, "--patch", "missing.patch"),
      "--patch: missing.patch does not exist",
    );
  });

  it("names a patch that is a folder", async () => {
    const l = makeLayout();
    await refused(l, gradeArgs(l, "--patch", l.work), /--patch: .*work is not a file/);
  });

  it("names a --dir that does not exist", async () => {
    const l = makeLayout();
    await refused(l, gradeArgs(l, "--dir", "nowhere"), "--dir: nowhere does not exist");
  });

  it("names a --dir that is a file", async () => {
    const l = makeLayout();
    const patch = file(l, "x.patch", "diff\n");
    await refused(
      l,
      gradeArgs(l, "--dir", patch),
      /--dir: .*x\.patch is a file; expected a folder/,
    );
  });

  it("asks for exactly one of --patch and --dir", async () => {
    const l = makeLayout();
    await refused(l, gradeArgs(l), "tiny-add is an IC task: pass --patch <file> or --dir <folder>");
  });

  it("names a task id that climbs out of the bank", async () => {
    const l = makeLayout();
    const gold = path.join(l.taskDir, "gold.patch");
    await refused(
      l,
      ["grade", l.bank, "../sentinels", "--patch", gold, ...l.flags],
      'task "../sentinels" is not in the bank',
    );
  });

  it("names a --select that is not a proposal of the manager task", async () => {
    const l = makeLayout();
    writeTinyManagerTask(l.bank, "tiny-manager", 2);
    await refused(
      l,
      ["grade", l.bank, "tiny-manager", "--select", "7"],
      "--select: proposal 7 is not one of tiny-manager's proposals (0, 1, 2)",
    );
  });

  it("names a --select that is not a number", async () => {
    const l = makeLayout();
    writeTinyManagerTask(l.bank, "tiny-manager", 2);
    await refused(
      l,
      ["grade", l.bank, "tiny-manager", "--select", "two"],
      "tiny-manager is a manager task: pass --select <proposal id>",
    );
  });
});

describe("work folders given as flags", () => {
  it("names a --work-dir that does not exist, and makes none", async () => {
    const l = makeLayout();
    const gold = path.join(l.taskDir, "gold.patch");
    await refused(
      l,
      ["grade", l.bank, "tiny-add", "--patch", gold, "--work-dir", "nowhere"],
      "--work-dir",
      "nowhere does not exist; expected an existing folder",
    );
  });

  it("names a --work-dir that is a file", async () => {
    const l = makeLayout();
    const gold = path.join(l.taskDir, "gold.patch");
    await refused(
      l,
      ["grade", l.bank, "tiny-add", "--patch", gold, "--work-dir", gold],
      "--work-dir",
      "gold.patch is a file; expected a folder",
    );
  });

  it("names a --cache-dir under a regular file", async () => {
    const l = makeLayout();
    const gold = path.join(l.taskDir, "gold.patch");
    await refused(
      l,
      ["grade", l.bank, "tiny-add", "--patch", gold, "--cache-dir", path.join(gold, "cache")],
      "--cache-dir",
      "gold.patch is a file, not a folder",
    );
  });

  it("grades with a relative --work-dir (the gold patch passes)", async () => {
    const l = makeLayout();
    const gold = path.join(l.taskDir, "gold.patch");
    const grade = await runLancerJson<{ verdict: string; reason: string }>(
      ["grade", l.bank, "tiny-add", "--patch", gold, "--work-dir", "work", "--cache-dir", "cache"],
      { cwd: l.root },
    );
    expect(grade).toMatchObject({ exitCode: 0, verdict: "pass", reason: "ok" });
  });

  it("names --runs 0", async () => {
    const l = makeLayout();
    await refused(l, gradeArgs(l, "--runs", "0"), "--runs <n>", "expected a whole number ≥ 1");
  });
});

describe("lancer run, validate and tasks on bad banks and flags", () => {
  it("refuses a folder that holds no task", async () => {
    const l = makeLayout();
    const empty = path.join(l.root, "empty-bank");
    mkdirSync(empty);
    await refused(
      l,
      ["run", empty, "--agent", "noop", "--ledger", path.join(l.root, "l.sqlite"), ...l.flags],
      /empty-bank: holds no task/,
    );
  });

  it("refuses a bank that is a file", async () => {
    const l = makeLayout();
    const gold = path.join(l.taskDir, "gold.patch");
    await refused(l, ["tasks", gold], /gold\.patch: not a folder \(expected a task bank\)/);
  });

  it("names an unknown agent", async () => {
    const l = makeLayout();
    await refused(
      l,
      ["run", l.bank, "--agent", "genius", "--ledger", path.join(l.root, "l.sqlite"), ...l.flags],
      'unknown agent "genius"',
    );
  });

  it("names --jobs 0", async () => {
    const l = makeLayout();
    await refused(l, ["validate", l.bank, "--jobs", "0", ...l.flags], "--jobs <n>", "≥ 1");
  });

  it("names --tasks ids that are not in the bank", async () => {
    const l = makeLayout();
    await refused(
      l,
      ["validate", l.bank, "--tasks", "tiny-add,ghost", ...l.flags],
      "--tasks: not in the bank: ghost",
    );
  });
});

describe("task.yaml fields", () => {
  const cases: Array<[string, (t: Record<string, unknown>) => void, string]> = [
    ["a negative price", (t) => (t.price_cents = -5), "price_cents:"],
    ["an unknown field", (t) => (t.reward = 5), "(root): Unrecognized key"],
    ["an unknown kind", (t) => (t.kind = "boss"), "kind:"],
    [
      "an id that differs from its folder",
      (t) => (t.id = "other"),
      'id: "other" must equal the folder name',
    ],
    [
      "no fail_to_pass test (a task that cannot fail)",
      (t) => (testSpec(t).fail_to_pass = []),
      "hidden.test.fail_to_pass: expected at least one test",
    ],
    ["a zero timeout", (t) => (testSpec(t).timeout_seconds = 0), "hidden.test.timeout_seconds:"],
    ["an unknown results format", (t) => (testSpec(t).format = "xml"), "hidden.test.format:"],
    ["an IC task without a source", (t) => delete t.source, "source: an IC task needs a source"],
    [
      "a source commit that is not hex",
      (t) => (t.source = { repo: "https://example.test/x.git", commit: "HEAD" }),
      "source.commit: a hex commit id",
    ],
  ];
  for (const [what, edit, culprit] of cases) {
    it(`names ${what}`, async () => {
      const l = makeLayout();
      l.editTask(edit);
      await refused(l, ["validate", l.bank, ...l.flags], "tiny-add/task.yaml:", culprit);
    });
  }

  it("names task.yaml that is not YAML", async () => {
    const l = makeLayout();
    writeFileSync(path.join(l.taskDir, "task.yaml"), "id: [unclosed\n");
    await refused(l, ["validate", l.bank, ...l.flags], "tiny-add/task.yaml: not valid YAML");
  });
});

describe("lancer checkout", () => {
  it("creates the workspace in a relative folder", async () => {
    const l = makeLayout();
    const result = await runLancer(
      ["checkout", l.bank, "tiny-add", "ws", "--gold", "--cache-dir", l.cache],
      {
        cwd: l.root,
      },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(path.join(l.root, "ws", "lib", "add.sh"), "utf8")).toContain("$1 + $2");
  });

  it("leaves no half-made workspace when the gold patch does not apply", async () => {
    const l = makeLayout();
    writeFileSync(
      path.join(l.taskDir, "gold.patch"),
      "--- a/lib/add.sh\n+++ b/lib/add.sh\n@@ -1,3 +1,3 @@\n add() {\n-  nothing like this\n+  x\n }\n",
    );
    const result = await runLancer(
      ["checkout", l.bank, "tiny-add", "ws", "--gold", "--cache-dir", l.cache],
      {
        cwd: l.root,
      },
    );
    expect(result.exitCode).toBe(1);
    expect(existsSync(path.join(l.root, "ws"))).toBe(false);
  });

  it("leaves an empty folder empty when the checkout fails", async () => {
    const l = makeLayout();
    l.editTask((t) => (t.source = { repo: path.join(l.root, "no-repo"), commit: "abcdef1" }));
    mkdirSync(path.join(l.root, "ws"));
    const result = await runLancer(["checkout", l.bank, "tiny-add", "ws", "--cache-dir", l.cache], {
      cwd: l.root,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("cannot clone");
    expect(readdirSync(path.join(l.root, "ws"))).toEqual([]);
  });

  it("names a folder that is not empty", async () => {
    const l = makeLayout();
    await refused(l, ["checkout", l.bank, "tiny-add", l.bank], "<dir>:", "exists and is not empty");
  });

  it("names a folder under a regular file", async () => {
    const l = makeLayout();
    const gold = path.join(l.taskDir, "gold.patch");
    await refused(
      l,
      ["checkout", l.bank, "tiny-add", path.join(gold, "ws")],
      "<dir>:",
      "gold.patch is a file, not a folder",
    );
  });
});

describe("lancer demo", () => {
  it("refuses a --state-dir holding files no demo made, and empties nothing", async () => {
    const l = makeLayout();
    await refused(
      l,
      ["demo", "--bank", l.bank, "--state-dir", l.sentinels.dir, "--swe-lancer", "0"],
      /--state-dir: .*sentinels holds files that no demo made/,
    );
  });
});

describe("lancer grade on a bank that does not exist", () => {
  it("names the bank folder", async () => {
    const l = makeLayout();
    await refused(
      l,
      ["grade", path.join(l.root, "no-bank"), "tiny-add", "--select", "1"],
      /no-bank: not a folder \(expected a task bank\)/,
    );
  });
});

describe("the debug switch", () => {
  it("shows the stack trace of a refusal only with LANCER_DEBUG", async () => {
    const l = makeLayout();
    const gold = path.join(l.taskDir, "gold.patch");
    const plain = await runLancer(["tasks", gold]);
    expect(plain.exitCode).toBe(1);
    expectNamedError(plain.stderr, "gold.patch: not a folder");
    const debug = await runLancer(["tasks", gold], { env: { LANCER_DEBUG: "1" } });
    expect(debug.exitCode).toBe(1);
    expect(debug.stderr).toContain("gold.patch: not a folder");
    expect(debug.stderr).toMatch(/^\s+at .*bank\.ts:\d+:\d+/m);
  });
});
