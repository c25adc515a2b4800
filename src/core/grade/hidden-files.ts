import { cp, writeFile } from "node:fs/promises";
import path from "node:path";
import { git } from "../git/git.ts";
import { HIDDEN_DIR, TEST_PATCH, type BankTask } from "../task/bank.ts";
import {
  checkPatchPaths,
  listHiddenFiles,
  pathsInPatch,
  readTaskFolderFile,
} from "../task/task-folder-files.ts";

/** The hidden files of a task: overlay folder files and the paths its test.patch touches. */
export interface HiddenFiles {
  overlayDir: string | undefined;
  testPatch: string | undefined;
  /** Workspace-relative paths the hidden part writes; a candidate must not touch them. */
  paths: string[];
}

/**
 * Reads which files a task's hidden part brings. Checked again here, right before use, even
 * though loading the task checked them: a link or a climbing path never reaches the overlay.
 */
export async function readHiddenFiles(bankTask: BankTask): Promise<HiddenFiles> {
  const overlayDir = path.join(bankTask.dir, HIDDEN_DIR);
  const overlayPaths = await listHiddenFiles(overlayDir);
  const testPatch = await readTaskFolderFile(bankTask.dir, TEST_PATCH);
  if (testPatch) checkPatchPaths(testPatch, path.join(bankTask.dir, TEST_PATCH));
  return {
    overlayDir: overlayPaths.length > 0 ? overlayDir : undefined,
    testPatch,
    paths: [...overlayPaths, ...(testPatch ? pathsInPatch(testPatch) : [])],
  };
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
