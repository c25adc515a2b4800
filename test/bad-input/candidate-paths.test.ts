import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { expectTreeUnchanged } from "./harness.ts";
import { makeLayout, testSpec, type Layout } from "./layout.ts";

/**
 * Candidate patches and folders aimed at files outside the workspace. The grader must never
 * be the tool that reads, writes or removes them: the patch does not apply, or the attempt
 * is tampering, and the sentinels are untouched.
 */
interface Grade {
  verdict: string;
  reason: string;
  detail: string;
  payout_cents: number;
  runs: unknown[];
}

/** Grades a candidate patch file for the layout's task, with its work and cache folders. */
function gradePatch(
  layout: Layout,
  patch: string,
  ...extra: string[]
): Promise<Grade & { exitCode: number }> {
  return runLancerJson<Grade>([
    "grade",
    layout.bank,
    "tiny-add",
    "--patch",
    patch,
    ...extra,
    ...layout.flags,
  ]);
}

function writePatch(dir: string, lines: string[]): string {
  const file = path.join(dir, `candidate-${Math.random().toString(36).slice(2)}.patch`);
  writeFileSync(file, [...lines, ""].join("\n"));
  return file;
}

describe("candidate patches aimed outside the workspace", () => {
  it("a diff whose paths climb out applies nowhere and touches nothing", async () => {
    const layout = makeLayout();
    const patch = writePatch(layout.root, [
      "--- a/../../../sentinels/sentinel.txt",
      "+++ b/../../../sentinels/sentinel.txt",
      "@@ -1 +1 @@",
      "-sentinel: must never be read into a task, changed or removed",
      "+owned",
    ]);
    const before = layout.bankPicture();
    const grade = await gradePatch(layout, patch);
    expect(grade).toMatchObject({
      verdict: "fail",
      reason: "patch-does-not-apply",
      payout_cents: 0,
    });
    layout.sentinels.check();
    expectTreeUnchanged(layout.bank, before);
  });

  it("a diff with an absolute path applies nowhere and touches nothing", async () => {
    const layout = makeLayout();
    const patch = writePatch(layout.root, [
      `--- ${layout.sentinels.file}`,
      `+++ ${layout.sentinels.file}`,
      "@@ -1 +1 @@",
      "-sentinel: must never be read into a task, changed or removed",
      "+owned",
    ]);
    const grade = await gradePatch(layout, patch);
    expect(grade).toMatchObject({ verdict: "fail", payout_cents: 0 });
    layout.sentinels.check();
  });

  it("a diff that adds a symbolic link and then writes through it touches nothing", async () => {
    const layout = makeLayout();
    const patch = writePatch(layout.root, [
      "diff --git a/lib/evil b/lib/evil",
      "new file mode 120000",
      "--- /dev/null",
      "+++ b/lib/evil",
      "@@ -0,0 +1 @@",
      `+${layout.sentinels.dir}`,
      "\\ No newline at end of file",
      "diff --git a/lib/evil/sentinel.txt b/lib/evil/sentinel.txt",
      "--- a/lib/evil/sentinel.txt",
      "+++ b/lib/evil/sentinel.txt",
      "@@ -1 +1 @@",
      "-sentinel: must never be read into a task, changed or removed",
      "+owned",
    ]);
    const grade = await gradePatch(layout, patch);
    expect(grade).toMatchObject({ verdict: "fail", payout_cents: 0 });
    layout.sentinels.check();
  });

  it("a symbolic link to a folder outside is tampering, and nothing runs", async () => {
    const layout = makeLayout();
    const patch = writePatch(layout.root, [
      "diff --git a/lib/evil b/lib/evil",
      "new file mode 120000",
      "--- /dev/null",
      "+++ b/lib/evil",
      "@@ -0,0 +1 @@",
      `+${layout.sentinels.dir}`,
      "\\ No newline at end of file",
    ]);
    const grade = await gradePatch(layout, patch);
    expect(grade).toMatchObject({ verdict: "fail", reason: "tamper", runs: [] });
    expect(grade.detail).toContain("lib/evil is a symbolic link leaving the workspace");
    layout.sentinels.check();
  });

  it("a candidate folder holding a symbolic link out is tampering", async () => {
    const layout = makeLayout();
    const folder = path.join(layout.root, "candidate");
    expect(
      (await runLancer(["checkout", layout.bank, "tiny-add", folder, "--cache-dir", layout.cache]))
        .exitCode,
    ).toBe(0);
    symlinkSync(layout.sentinels.file, path.join(folder, "lib", "leak.sh"));
    const grade = await runLancerJson<Grade>([
      "grade",
      layout.bank,
      "tiny-add",
      "--dir",
      folder,
      ...layout.flags,
    ]);
    expect(grade).toMatchObject({ verdict: "fail", reason: "tamper", payout_cents: 0 });
    expect(grade.detail).toContain("lib/leak.sh is a symbolic link leaving the workspace");
    layout.sentinels.check();
  });

  it("code that turns the results folder into a link out during a run stops the grading before the grader removes or reads through it", async () => {
    const layout = makeLayout();
    mkdirSync(path.join(layout.taskDir, "source", "out"));
    writeFileSync(path.join(layout.taskDir, "source", "out", ".keep"), "");
    layout.editTask((t) => {
      Object.assign(testSpec(t), {
        command: "bash test/run.sh > out/results.xml",
        results: "out/results.xml",
      });
    });
    // Sourced by the hidden test: replaces out/ by a link to the sentinels' folder.
    const patch = writePatch(layout.root, [
      "--- a/lib/add.sh",
      "+++ b/lib/add.sh",
      "@@ -1,3 +1,4 @@",
      '+[ -L out ] || { rm -rf out; ln -s "$PWD/../../../sentinels/inner" out; }',
      " add() {",
      "-  echo $(( $1 - $2 ))",
      "+  echo $(( $1 + $2 ))",
      " }",
    ]);
    const grade = await gradePatch(layout, patch, "--runs", "3");
    expect(grade).toMatchObject({ verdict: "fail", reason: "tamper", payout_cents: 0 });
    expect(grade.detail).toMatch(/hidden\.test\.results: out\/results\.xml leads outside/);
    expect(grade.runs).toHaveLength(1);
    layout.sentinels.check();
    expect(readdirSync(layout.sentinels.dir).sort()).toEqual(["inner", "sentinel.txt"]);
  });
});
