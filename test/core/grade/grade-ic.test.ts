import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gradeIc } from "../../../src/core/grade/grade-ic.ts";
import { loadTask } from "../../../src/core/task/bank.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { writeTinyTask } from "../../helpers/tiny-bank.ts";

const root = tempDir();
const cacheDir = path.join(root, "cache");
const bank = path.join(root, "bank");
const taskDir = writeTinyTask(bank, "tiny-add");
const gold = readFileSync(path.join(taskDir, "gold.patch"), "utf8");
const grade = async (patch: string, dir = taskDir, runs = 1) =>
  gradeIc(await loadTask(dir), { patch, runs, cacheDir, workRoot: root });

describe("gradeIc", () => {
  it("passes the gold patch with every required test reported as passed", async () => {
    const result = await grade(gold);
    expect(result).toMatchObject({
      verdict: "pass",
      reason: "ok",
      applyMethod: "git-apply",
      testsPassed: 3,
      testsFailed: 0,
    });
    expect(result.runs).toHaveLength(1);
  });

  it("fails the unchanged base, naming the failing FAIL_TO_PASS test, in every run", async () => {
    const result = await grade("", taskDir, 3);
    expect(result.verdict).toBe("fail");
    expect(result.reason).toBe("tests-failed");
    expect(result.detail).toContain("add adds");
    expect(result.runs.map((r) => r.verdict)).toEqual(["fail", "fail", "fail"]);
  });

  it("reports a change to protected test files as tampering without running anything", async () => {
    const patch =
      gold +
      [
        "diff --git a/test/run.sh b/test/run.sh",
        "--- a/test/run.sh",
        "+++ b/test/run.sh",
        "@@ -1,2 +1,2 @@",
        " #!/usr/bin/env bash",
        "-source lib/add.sh; source lib/mul.sh",
        "+source lib/add.sh; source lib/mul.sh # hi",
        "",
      ].join("\n");
    const result = await grade(patch);
    expect(result).toMatchObject({ verdict: "fail", reason: "tamper", runs: [] });
    expect(result.tamper).toEqual([
      { path: "test/run.sh", why: expect.stringContaining("hidden test file") as string },
    ]);
  });

  it("reports changes outside the acceptable folders as tampering", async () => {
    const patch = [
      "diff --git a/README.md b/README.md",
      "--- a/README.md",
      "+++ b/README.md",
      "@@ -1,3 +1,3 @@",
      " # tiny",
      " ",
      "-A bash arithmetic library.",
      "+A better bash arithmetic library.",
      "",
    ].join("\n");
    const result = await grade(patch);
    expect(result.reason).toBe("tamper");
    expect(result.detail).toContain("README.md is outside the acceptable folders (lib)");
  });

  it("reports a symbolic link that leaves the workspace as tampering", async () => {
    const link = [
      "diff --git a/lib/evil b/lib/evil",
      "new file mode 120000",
      "--- /dev/null",
      "+++ b/lib/evil",
      "@@ -0,0 +1 @@",
      "+/etc/passwd",
      "\\ No newline at end of file",
      "",
    ].join("\n");
    const result = await grade(gold + link);
    expect(result.reason).toBe("tamper");
    expect(result.tamper).toEqual([
      { path: "lib/evil", why: "is a symbolic link leaving the workspace" },
    ]);
  });

  it("falls back to fuzzier application when the context has drifted", async () => {
    // Context lines that do not match the base exactly: git apply refuses, patch --fuzz accepts.
    const drifted = [
      "--- a/lib/add.sh",
      "+++ b/lib/add.sh",
      "@@ -1,3 +1,3 @@",
      " add() {   ",
      "-  echo $(( $1 - $2 ))",
      "+  echo $(( $1 + $2 ))",
      " } # end",
      "",
    ].join("\n");
    const result = await grade(drifted);
    expect(result.applyMethod).toBe("patch-fuzz");
    expect(result.verdict).toBe("pass");
  });

  it("fails a patch that applies nowhere", async () => {
    const result = await grade(
      [
        "--- a/lib/none.sh",
        "+++ b/lib/none.sh",
        "@@ -1,1 +1,1 @@",
        "-nothing here",
        "+something",
        "",
      ].join("\n"),
    );
    expect(result).toMatchObject({ verdict: "fail", reason: "patch-does-not-apply" });
  });

  it("gives error, not fail, when the test command leaves no readable evidence", async () => {
    const dir = writeTinyTask(bank, "tiny-silent");
    const yaml = readFileSync(path.join(dir, "task.yaml"), "utf8").replace(
      "command: bash test/run.sh",
      "command: bash test/run.sh > /dev/null",
    );
    writeFileSync(path.join(dir, "task.yaml"), yaml);
    const result = await grade(gold, dir);
    expect(result).toMatchObject({ verdict: "error", reason: "no-evidence" });
  });

  it("kills a hanging test at the task's timeout and fails it", async () => {
    const dir = writeTinyTask(bank, "tiny-hang", {}, "#!/usr/bin/env bash\nsleep 600 &\nwait\n");
    const yaml = readFileSync(path.join(dir, "task.yaml"), "utf8").replace(
      "timeout_seconds: 20",
      "timeout_seconds: 1",
    );
    writeFileSync(path.join(dir, "task.yaml"), yaml);
    const started = Date.now();
    const result = await grade(gold, dir);
    expect(result).toMatchObject({ verdict: "fail", reason: "timeout" });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("runs the model's code with no token in its environment and a private HOME", async () => {
    process.env.GITHUB_TOKEN = "ghs_secret_for_test";
    process.env.OPENAI_API_KEY = "sk-secret-for-test";
    try {
      const dir = writeTinyTask(
        bank,
        "tiny-env",
        {},
        [
          "#!/usr/bin/env bash",
          'echo "TAP version 13"; echo "1..2"',
          'if env | grep -qiE "ghs_|sk-secret|TOKEN|API_KEY"; then echo "not ok 1 - no secrets"; else echo "ok 1 - no secrets"; fi',
          'case "$HOME" in /tmp/*|"$TMPDIR"*) echo "ok 2 - private home";; *) echo "not ok 2 - private home # HOME=$HOME";; esac',
          "",
        ].join("\n"),
      );
      const yaml = readFileSync(path.join(dir, "task.yaml"), "utf8")
        .replace(
          /fail_to_pass:\n(\s+- .*\n)+/,
          "fail_to_pass:\n        - no secrets\n        - private home\n",
        )
        .replace(/pass_to_pass:\n(\s+- .*\n)+/, "pass_to_pass: []\n");
      writeFileSync(path.join(dir, "task.yaml"), yaml);
      const result = await grade(gold, dir);
      expect(result.runs[0]?.tests.map((t) => [t.id, t.status])).toEqual([
        ["no secrets", "passed"],
        ["private home", "passed"],
      ]);
      expect(result.verdict).toBe("pass");
    } finally {
      delete process.env.GITHUB_TOKEN;
      delete process.env.OPENAI_API_KEY;
    }
  });
});
