import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLancer } from "../helpers/run-lancer.ts";
import { liteCsv } from "../helpers/swe-lancer-rows.ts";
import { expectNamedError, expectTreeUnchanged, snapshotTree } from "./harness.ts";
import { makeLayout, type Layout } from "./layout.ts";

/**
 * SWE-Lancer inputs that are not what they should be: a task's `source.base_patch` that
 * leaves its folder, is missing or writes outside the base, and a `--benchmark-dir` that is
 * no folder. Each is refused by name, with nothing touched.
 */
async function validate(layout: Layout) {
  return runLancer(["validate", layout.bank, "--runs", "1", ...layout.flags]);
}

function withBasePatch(layout: Layout, basePatch: string): void {
  layout.editTask((t) => {
    t.source = { repo: "https://example.invalid/App", commit: "0123456", base_patch: basePatch };
  });
}

describe("SWE-Lancer task inputs", () => {
  it("refuses a source.base_patch that climbs out of the task folder", async () => {
    const layout = makeLayout();
    withBasePatch(layout, "../../sentinels/sentinel.txt");
    const before = layout.bankPicture();
    const result = await validate(layout);
    expect(result.exitCode).toBe(1);
    expectNamedError(result.stderr, "task.yaml: source", "climbs out");
    layout.sentinels.check();
    expectTreeUnchanged(layout.bank, before);
  });

  it("refuses a source.base_patch that is missing", async () => {
    const layout = makeLayout();
    withBasePatch(layout, "hidden/issues/tiny-add/bug_reintroduce.patch");
    const before = layout.bankPicture();
    const result = await validate(layout);
    expect(result.exitCode).toBe(1);
    expectNamedError(
      result.stderr,
      "task.yaml: source.base_patch: hidden/issues/tiny-add/bug_reintroduce.patch is missing",
    );
    expectTreeUnchanged(layout.bank, before);
  });

  it("refuses a source.base_patch whose diff writes outside the base", async () => {
    const layout = makeLayout();
    withBasePatch(layout, "base.patch");
    writeFileSync(
      path.join(layout.taskDir, "base.patch"),
      "--- a/../../sentinels/sentinel.txt\n+++ b/../../sentinels/sentinel.txt\n@@ -1 +1 @@\n-a\n+b\n",
    );
    const before = layout.bankPicture();
    const result = await validate(layout);
    expect(result.exitCode).toBe(1);
    expectNamedError(result.stderr, "base.patch", "climbs out");
    layout.sentinels.check();
    expectTreeUnchanged(layout.bank, before);
  });

  it("refuses a --benchmark-dir that does not exist, writing no bank", async () => {
    const layout = makeLayout();
    const csv = path.join(layout.root, "tasks.csv");
    writeFileSync(csv, liteCsv());
    const out = path.join(layout.root, "out");
    const before = snapshotTree(layout.root);
    const result = await runLancer([
      "import",
      csv,
      "--out",
      out,
      "--benchmark-dir",
      path.join(layout.root, "no-checkout"),
    ]);
    expect(result.exitCode).toBe(1);
    expectNamedError(result.stderr, "--benchmark-dir:", "does not exist");
    expectTreeUnchanged(layout.root, before);
  });
});
