import { describe, expect, it } from "vitest";
import { checkPatchPaths, pathsInPatch } from "../../src/core/task/task-folder-files.ts";

const DIFF = [
  "diff --git a/notes.md b/notes.md",
  "--- a/notes.md",
  "+++ b/notes.md",
  "@@ -1,3 +1,3 @@",
  " # Notes",
  "--- ../../etc/passwd",
  "+++ /etc/shadow",
  " end",
  "diff --git a/new.txt b/new.txt",
  "new file mode 100644",
  "--- /dev/null",
  "+++ b/new.txt",
  "@@ -0,0 +1 @@",
  "+hello",
  "",
].join("\n");

describe("paths in a patch", () => {
  it("reads the header names and never a hunk line that looks like one", () => {
    expect(pathsInPatch(DIFF)).toEqual(["notes.md", "new.txt"]);
    expect(() => checkPatchPaths(DIFF, "test.patch")).not.toThrow();
  });

  it("names a header path that climbs out or is absolute", () => {
    const climbing = DIFF.replace("+++ b/new.txt", "+++ b/../../new.txt");
    expect(() => checkPatchPaths(climbing, "x/test.patch")).toThrow(
      'x/test.patch: "../../new.txt" climbs out of its folder with ".."',
    );
    const absolute = DIFF.replace("+++ b/new.txt", "+++ /tmp/new.txt");
    expect(() => checkPatchPaths(absolute, "gold.patch")).toThrow(
      'gold.patch: "/tmp/new.txt" is absolute',
    );
  });

  it("reads quoted names and the names of pure renames and copies, which have no ---/+++ lines", () => {
    const patch = [
      'diff --git "a/caf\\303\\251.js" "b/caf\\303\\251.js"',
      '--- "a/caf\\303\\251.js"',
      '+++ "b/caf\\303\\251.js"',
      "@@ -1 +1 @@",
      "-a",
      "+b",
      "diff --git a/lib/x.js b/test/hidden.test.js",
      "similarity index 100%",
      "rename from lib/x.js",
      "rename to test/hidden.test.js",
      'diff --git a/y b/"q\\"uote"',
      "copy from y",
      'copy to "q\\"uote"',
      "",
    ].join("\n");
    expect(pathsInPatch(patch)).toEqual([
      "café.js",
      "lib/x.js",
      "test/hidden.test.js",
      "y",
      'q"uote',
    ]);
  });

  it("names a rename that climbs out of the workspace", () => {
    const patch = "diff --git a/x b/../../x\nrename from x\nrename to ../../x\n";
    expect(() => checkPatchPaths(patch, "candidate.patch")).toThrow(/\.\.\/\.\.\/x/);
  });
});
