import { lstatSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  hiddenSnapshot,
  overlayHiddenFiles,
  readHiddenFiles,
  writeHiddenSnapshot,
} from "../../../src/core/grade/hidden-files.ts";
import { PathEscapeError } from "../../../src/core/paths/contained-path.ts";
import { loadTask } from "../../../src/core/task/bank.ts";
import { ensureSourceRepo } from "../../../src/core/workspace/source-repo.ts";
import { createGradingWorkspace } from "../../../src/core/workspace/workspace.ts";
import { tempDir } from "../../helpers/temp-dir.ts";
import { writeTinyTask } from "../../helpers/tiny-bank.ts";

/**
 * The hidden part is applied once to the base and then written as files into each grading:
 * what it writes must be what `overlayHiddenFiles` (the overlay folder, then `git apply` of
 * test.patch) leaves, for new, changed, deleted and executable files alike.
 */
const root = tempDir("lancer-hidden-snapshot-");

/** Every file under a folder but .git: content and mode. */
function tree(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, entry.name);
    if (rel === ".git") continue;
    if (entry.isDirectory()) Object.assign(out, tree(dir, rel));
    else {
      const mode = (lstatSync(path.join(dir, rel)).mode & 0o777).toString(8);
      out[rel] = `${mode} ${readFileSync(path.join(dir, rel), "utf8")}`;
    }
  }
  return out;
}

const TEST_PATCH = [
  "diff --git a/README.md b/README.md",
  "deleted file mode 100644",
  "--- a/README.md",
  "+++ /dev/null",
  "@@ -1,3 +0,0 @@",
  "-# tiny",
  "-",
  "-A bash arithmetic library.",
  "diff --git a/lib/mul.sh b/lib/mul.sh",
  "--- a/lib/mul.sh",
  "+++ b/lib/mul.sh",
  "@@ -1,3 +1,4 @@",
  " mul() {",
  "   echo $(( $1 * $2 ))",
  " }",
  "+square() { mul $1 $1; }",
  "diff --git a/test/extra.sh b/test/extra.sh",
  "new file mode 100755",
  "--- /dev/null",
  "+++ b/test/extra.sh",
  "@@ -0,0 +1,2 @@",
  "+#!/usr/bin/env bash",
  "+echo extra",
  "",
].join("\n");

describe("hidden snapshots", () => {
  it("write what the overlay and git apply of test.patch leave", async () => {
    const dir = writeTinyTask(path.join(root, "bank"), "snap");
    writeFileSync(path.join(dir, "test.patch"), TEST_PATCH);
    const task = await loadTask(dir);
    const source = await ensureSourceRepo(task, path.join(root, "cache"));
    const hidden = await readHiddenFiles(task);

    const byGit = path.join(root, "by-git");
    await createGradingWorkspace(source, byGit);
    await overlayHiddenFiles(hidden, byGit, root);

    const snapshot = await hiddenSnapshot(
      hidden,
      (d) => createGradingWorkspace(source, d),
      root,
      source.commit,
    );
    expect(snapshot).toBeDefined();
    const bySnapshot = path.join(root, "by-snapshot");
    await createGradingWorkspace(source, bySnapshot);
    await writeHiddenSnapshot(snapshot!, bySnapshot);

    expect(tree(bySnapshot)).toEqual(tree(byGit));
    expect(tree(byGit)).toMatchObject({ "test/extra.sh": "755 #!/usr/bin/env bash\necho extra\n" });
    expect(tree(byGit)["README.md"]).toBeUndefined();
  });

  it("refuses to write through a link that leaves the workspace", async () => {
    const dir = writeTinyTask(path.join(root, "bank"), "snap-link");
    const task = await loadTask(dir);
    const source = await ensureSourceRepo(task, path.join(root, "cache"));
    const hidden = await readHiddenFiles(task);
    const snapshot = await hiddenSnapshot(
      hidden,
      (d) => createGradingWorkspace(source, d),
      root,
      source.commit,
    );
    const ws = path.join(root, "linked");
    await createGradingWorkspace(source, ws);
    const outside = tempDir("lancer-hidden-outside-");
    // As a candidate's code could leave it between runs: test/ turned into a link outward.
    rmSync(path.join(ws, "test"), { recursive: true });
    symlinkSync(outside, path.join(ws, "test"));
    await expect(writeHiddenSnapshot(snapshot!, ws)).rejects.toBeInstanceOf(PathEscapeError);
    expect(readdirSync(outside)).toEqual([]);
  });
});
