import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLancer } from "../helpers/run-lancer.ts";
import { expectNamedError, expectTreeUnchanged } from "./harness.ts";
import { makeLayout, testSpec, type Layout } from "./layout.ts";

/**
 * Paths in a task folder that leave their root: each is aimed at sentinel files outside the
 * bank and the work folder, and must be refused by name with nothing touched.
 */
async function validate(layout: Layout) {
  return runLancer(["validate", layout.bank, "--runs", "1", ...layout.flags]);
}

function expectRefused(
  result: { exitCode: number; stderr: string },
  layout: Layout,
  bankBefore: Record<string, string>,
  ...culprits: (string | RegExp)[]
) {
  expect(result.exitCode).toBe(1);
  expectNamedError(result.stderr, ...culprits);
  layout.sentinels.check();
  expectTreeUnchanged(layout.bank, bankBefore);
}

describe("task.yaml paths that leave their root", () => {
  it("refuses hidden.test.results climbing out of the workspace before anything runs", async () => {
    const layout = makeLayout();
    layout.editTask((t) => {
      testSpec(t).results = "../../../sentinels/sentinel.txt";
    });
    const before = layout.bankPicture();
    const result = await validate(layout);
    expectRefused(result, layout, before, "task.yaml: hidden.test.results:", "climbs out");
    expect(result.stdout).toBe("");
  });

  it("refuses an absolute hidden.test.results", async () => {
    const layout = makeLayout();
    layout.editTask((t) => {
      testSpec(t).results = layout.sentinels.file;
    });
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, "hidden.test.results:", "is absolute");
  });

  it("refuses an absolute source.dir", async () => {
    const layout = makeLayout();
    layout.editTask((t) => {
      t.source = { dir: layout.sentinels.dir };
    });
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, "task.yaml: source.dir:", "is absolute");
  });

  it("refuses a source.dir that climbs out of the task folder", async () => {
    const layout = makeLayout();
    layout.editTask((t) => {
      t.source = { dir: "../../sentinels" };
    });
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, "source.dir:", "climbs out");
  });

  it("refuses a source folder that is a symbolic link leaving the task folder", async () => {
    const layout = makeLayout();
    rmSync(path.join(layout.taskDir, "source"), { recursive: true });
    symlinkSync(layout.sentinels.dir, path.join(layout.taskDir, "source"));
    const before = layout.bankPicture();
    const result = await validate(layout);
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/source\.dir: source leads outside .*tiny-add/);
    layout.sentinels.check();
    expectTreeUnchanged(layout.bank, before);
  });

  it("refuses a hidden/ file that is a symbolic link to a file outside the bank", async () => {
    const layout = makeLayout();
    symlinkSync(layout.sentinels.file, path.join(layout.taskDir, "hidden", "test", "leak.txt"));
    const before = layout.bankPicture();
    expectRefused(
      await validate(layout),
      layout,
      before,
      "hidden/test/leak.txt",
      "is a symbolic link",
    );
  });

  it("refuses a hidden/ folder that is a symbolic link", async () => {
    const layout = makeLayout();
    rmSync(path.join(layout.taskDir, "hidden"), { recursive: true });
    symlinkSync(layout.sentinels.dir, path.join(layout.taskDir, "hidden"));
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, "hidden", "is a symbolic link");
  });

  it("refuses a hidden/ file that is a symbolic link inside the bank (to the gold patch)", async () => {
    const layout = makeLayout();
    symlinkSync("../../gold.patch", path.join(layout.taskDir, "hidden", "test", "gold.txt"));
    const before = layout.bankPicture();
    expectRefused(
      await validate(layout),
      layout,
      before,
      "hidden/test/gold.txt",
      "is a symbolic link",
    );
  });

  it("refuses a task.yaml that is a symbolic link (its text would be quoted in errors)", async () => {
    const layout = makeLayout();
    const file = path.join(layout.taskDir, "task.yaml");
    rmSync(file);
    symlinkSync(layout.sentinels.file, file);
    const before = layout.bankPicture();
    const result = await validate(layout);
    expectRefused(result, layout, before, "task.yaml", "is a symbolic link");
    expect(result.stderr).not.toContain("sentinel: must never");
  });

  it("refuses a gold.patch that is a symbolic link out of the bank", async () => {
    const layout = makeLayout();
    const file = path.join(layout.taskDir, "gold.patch");
    rmSync(file);
    symlinkSync(layout.sentinels.file, file);
    const before = layout.bankPicture();
    const result = await validate(layout);
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/gold\.patch.* is a symbolic link/);
    layout.sentinels.check();
    expectTreeUnchanged(layout.bank, before);
  });

  it("refuses a test.patch whose paths climb out of the workspace", async () => {
    const layout = makeLayout();
    writeFileSync(
      path.join(layout.taskDir, "test.patch"),
      [
        "--- a/../../../sentinels/sentinel.txt",
        "+++ b/../../../sentinels/sentinel.txt",
        "@@ -1 +1 @@",
        "-sentinel: must never be read into a task, changed or removed",
        "+owned",
        "",
      ].join("\n"),
    );
    const before = layout.bankPicture();
    const result = await validate(layout);
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/test\.patch: .*climbs out/);
    layout.sentinels.check();
    expectTreeUnchanged(layout.bank, before);
  });

  it("refuses a protected glob that climbs out (it could never match)", async () => {
    const layout = makeLayout();
    layout.editTask((t) => {
      (t.hidden as Record<string, unknown>).protected = ["test/**", "../../**"];
    });
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, "hidden.protected.1:", '"../../**"');
  });

  it("refuses an absolute protected glob", async () => {
    const layout = makeLayout();
    layout.editTask((t) => {
      (t.hidden as Record<string, unknown>).protected = ["/etc/**"];
    });
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, "hidden.protected.0:", "is absolute");
  });

  it("refuses an acceptable folder that climbs out", async () => {
    const layout = makeLayout();
    layout.editTask((t) => {
      (t.hidden as Record<string, unknown>).acceptable_folders = ["../sentinels"];
    });
    const before = layout.bankPicture();
    expectRefused(
      await validate(layout),
      layout,
      before,
      "hidden.acceptable_folders.0:",
      "climbs out",
    );
  });

  it("refuses a source.repo that would be taken as a git option", async () => {
    const layout = makeLayout();
    const marker = path.join(layout.root, "pwned");
    layout.editTask((t) => {
      t.source = { repo: `--upload-pack=touch ${marker}`, commit: "abcdef1" };
    });
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, "source.repo:", "starts with '-'");
    expect(() => rmSync(marker)).toThrow();
  });

  it("names source.repo when it is a folder that is not a git repository", async () => {
    const layout = makeLayout();
    layout.editTask((t) => {
      t.source = { repo: layout.sentinels.dir, commit: "abcdef1" };
    });
    const before = layout.bankPicture();
    const result = await validate(layout);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/cannot clone .*sentinels/);
    layout.sentinels.check();
    expectTreeUnchanged(layout.bank, before);
  });

  it("skips no task folder silently: task.yml instead of task.yaml is named", async () => {
    const layout = makeLayout();
    const other = path.join(layout.bank, "other-task");
    mkdirSync(other);
    writeFileSync(path.join(other, "task.yml"), "id: other-task\n");
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, "other-task", "task.yml", "task.yaml");
  });

  it("names a bank folder that holds no task file at all", async () => {
    const layout = makeLayout();
    mkdirSync(path.join(layout.bank, "notes"));
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, /notes: .*no task\.yaml/);
  });

  it("refuses a task folder that is a symbolic link out of the bank", async () => {
    const layout = makeLayout();
    symlinkSync(layout.sentinels.dir, path.join(layout.bank, "linked-task"));
    const before = layout.bankPicture();
    expectRefused(await validate(layout), layout, before, "linked-task", "is a symbolic link");
  });
});
