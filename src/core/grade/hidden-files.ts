import { cp, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { existsSync } from "node:fs";
import { git } from "../git/git.ts";
import { HIDDEN_DIR, TEST_PATCH, readOptionalFile, type BankTask } from "../task/bank.ts";

/** The hidden files of a task: overlay folder files and the paths its test.patch touches. */
export interface HiddenFiles {
  overlayDir: string | undefined;
  testPatch: string | undefined;
  /** Workspace-relative paths the hidden part writes; a candidate must not touch them. */
  paths: string[];
}

/** Reads which files a task's hidden part brings. */
export async function readHiddenFiles(bankTask: BankTask): Promise<HiddenFiles> {
  const overlayDir = path.join(bankTask.dir, HIDDEN_DIR);
  const hasOverlay = existsSync(overlayDir);
  const overlayPaths = hasOverlay
    ? (await readdir(overlayDir, { recursive: true, withFileTypes: true }))
        .filter((e) => !e.isDirectory())
        .map((e) =>
          path.relative(overlayDir, path.join(e.parentPath, e.name)).split(path.sep).join("/"),
        )
    : [];
  const testPatch = await readOptionalFile(path.join(bankTask.dir, TEST_PATCH));
  return {
    overlayDir: hasOverlay ? overlayDir : undefined,
    testPatch,
    paths: [...overlayPaths, ...(testPatch ? pathsInPatch(testPatch) : [])],
  };
}

/** Paths named by the `diff --git a/… b/…` headers of a unified diff (both sides). */
export function pathsInPatch(patch: string): string[] {
  const paths = new Set<string>();
  for (const line of patch.split("\n")) {
    const side = /^(?:---|\+\+\+) (?:a|b)\/(.+?)\t?$/.exec(line);
    if (side?.[1]) paths.add(side[1]);
  }
  return [...paths];
}

/** Writes the hidden part into a workspace: the overlay folder, then test.patch. */
export async function overlayHiddenFiles(
  hidden: HiddenFiles,
  workspace: string,
  scratchDir: string,
): Promise<void> {
  if (hidden.overlayDir) await cp(hidden.overlayDir, workspace, { recursive: true, force: true });
  if (hidden.testPatch) {
    const file = path.join(scratchDir, "test.patch");
    await writeFile(file, hidden.testPatch);
    await git(["apply", "--whitespace=nowarn", file], { cwd: workspace });
  }
}
