import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { git } from "../../../src/core/git/git.ts";
import { gradeIc } from "../../../src/core/grade/grade-ic.ts";
import { patchFromDir } from "../../../src/core/grade/patch-from-dir.ts";
import { loadTask } from "../../../src/core/task/bank.ts";
import { ensureSourceRepo } from "../../../src/core/workspace/source-repo.ts";
import { createAgentWorkspace } from "../../../src/core/workspace/workspace.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { writeTinyTask } from "../../helpers/tiny-bank.ts";

const root = tempDir();
const cacheDir = path.join(root, "cache");
const bankTask = await loadTask(writeTinyTask(path.join(root, "bank"), "tiny-add"));
const source = await ensureSourceRepo(bankTask, cacheDir);

/** A checkout of the base as an agent (or a workflow) would hold it, with its own history. */
async function candidate(name: string): Promise<string> {
  const dir = path.join(root, name);
  await createAgentWorkspace(source, dir);
  return dir;
}

async function patchOf(dir: string): Promise<string> {
  const scratch = mkdtempSync(path.join(root, "scratch-"));
  try {
    return await patchFromDir(source, dir, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe("patchFromDir", () => {
  it("is empty for an unchanged checkout, committed or not", async () => {
    expect(await patchOf(await candidate("same"))).toBe("");
  });

  it("turns a committed fix in a checkout with its own history into a patch that passes", async () => {
    const dir = await candidate("fixed");
    writeFileSync(path.join(dir, "lib", "add.sh"), "add() {\n  echo $(( $1 + $2 ))\n}\n");
    await git(["commit", "-q", "-am", "fix add"], { cwd: dir });
    const patch = await patchOf(dir);
    expect(patch).toContain("+++ b/lib/add.sh");
    expect(patch).not.toContain(".git/");
    const grade = await gradeIc(bankTask, { patch, runs: 1, cacheDir, workRoot: root });
    expect(grade.verdict).toBe("pass");
  });

  it("carries new, deleted and binary files, and leaves ignored ones out", async () => {
    const dir = await candidate("many");
    writeFileSync(path.join(dir, "lib", "sub.sh"), "sub() { echo $(( $1 - $2 )); }\n");
    writeFileSync(path.join(dir, "lib", "blob.bin"), Buffer.from([0, 1, 2, 255, 0]));
    writeFileSync(path.join(dir, ".gitignore"), "*.log\n");
    writeFileSync(path.join(dir, "debug.log"), "noise\n");
    unlinkSync(path.join(dir, "README.md"));
    const patch = await patchOf(dir);
    expect(patch).toContain("+++ b/lib/sub.sh");
    expect(patch).toContain("GIT binary patch");
    expect(patch).toContain("deleted file mode");
    expect(patch).not.toContain("debug.log");
    // Applied to the base, it reproduces the folder: grading sees README.md outside lib/ as tampering.
    const grade = await gradeIc(bankTask, { patch, runs: 1, cacheDir, workRoot: root });
    expect(grade.reason).toBe("tamper");
    expect(grade.detail).toContain("README.md is outside the acceptable folders");
  });

  it("lets the grader see a change to the hidden tests made in the folder", async () => {
    const dir = await candidate("tampered");
    writeFileSync(path.join(dir, "test", "run.sh"), "echo 'ok 1 - add adds'\n");
    const grade = await gradeIc(bankTask, {
      patch: await patchOf(dir),
      runs: 1,
      cacheDir,
      workRoot: root,
    });
    expect(grade).toMatchObject({ verdict: "fail", reason: "tamper" });
  });
});
