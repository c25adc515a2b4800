import { createHash } from "node:crypto";
import { constants, readFileSync } from "node:fs";
import { cp, lstat, mkdir, readFile, readlink, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { git } from "../git/git.ts";
import { resolveInside } from "../paths/contained-path.ts";
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
  /** The overlay folder's files, relative to it. */
  overlayPaths: string[];
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
    overlayPaths,
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

/** What the hidden part leaves at each of its paths: a file (content, mode), or nothing. */
export type HiddenSnapshot = ReadonlyMap<string, { content: Buffer; mode: number } | null>;

const snapshots = new Map<string, Promise<HiddenSnapshot | undefined>>();

/**
 * The hidden part applied once to the unchanged base, as files: what overlayHiddenFiles
 * leaves at each hidden path. The same in every grading of the task, since a candidate may
 * touch none of these paths (tampering), so each grading writes these files rather than
 * running git. Undefined (then: overlayHiddenFiles) for a test.patch with binary or link
 * entries. Worked out once per process for a base and hidden part.
 */
export function hiddenSnapshot(
  hidden: HiddenFiles,
  makeBase: (dir: string) => Promise<void>,
  scratchDir: string,
  key: string,
): Promise<HiddenSnapshot | undefined> {
  const hash = createHash("sha256").update(JSON.stringify([key, hidden.testPatch, hidden.paths]));
  // The overlay's files by content: a bank folder rewritten in place is a new snapshot.
  if (hidden.overlayDir)
    for (const rel of hidden.overlayPaths)
      hash.update(`\0${rel}\0`).update(readFileSync(path.join(hidden.overlayDir, rel)));
  const id = hash.digest("hex");
  let pending = snapshots.get(id);
  if (!pending) {
    pending = takeSnapshot(hidden, makeBase, path.join(scratchDir, "hidden-snapshot"));
    pending.catch(() => snapshots.delete(id));
    snapshots.set(id, pending);
  }
  return pending;
}

async function takeSnapshot(
  hidden: HiddenFiles,
  makeBase: (dir: string) => Promise<void>,
  dir: string,
): Promise<HiddenSnapshot | undefined> {
  if (
    hidden.testPatch &&
    /^(?:GIT binary patch|Binary files |(?:new |old )?(?:file )?mode 120000)/m.test(
      hidden.testPatch,
    )
  )
    return undefined;
  await makeBase(dir);
  await overlayHiddenFiles(hidden, dir, path.dirname(dir));
  const snapshot = new Map<string, { content: Buffer; mode: number } | null>();
  for (const rel of hidden.paths) {
    const file = path.join(dir, rel);
    const info = await lstat(file).catch(() => undefined);
    if (!info) snapshot.set(rel, null);
    else if (info.isFile())
      snapshot.set(rel, { content: await readFile(file), mode: info.mode & 0o777 });
    else return undefined;
  }
  await rm(dir, { recursive: true, force: true });
  return snapshot;
}

/** Writes a hidden snapshot into a workspace, each path checked to stay inside it first. */
export async function writeHiddenSnapshot(
  snapshot: HiddenSnapshot,
  workspace: string,
): Promise<void> {
  for (const [rel, entry] of snapshot) {
    const target = await resolveInside(workspace, rel, `hidden file ${rel}`);
    if (entry === null) {
      await rm(target, { force: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await rm(target, { force: true });
    await writeFile(target, entry.content, { mode: entry.mode });
  }
}

/**
 * What is at each hidden path of a workspace, as a comparable string: a file's mode and
 * content hash, a link's target, `not a file` or `missing`. Links are never followed.
 */
export async function fingerprintHiddenFiles(
  workspace: string,
  paths: readonly string[],
): Promise<Map<string, string>> {
  const prints = new Map<string, string>();
  for (const rel of paths) {
    const file = path.join(workspace, rel);
    const info = await lstat(file).catch(() => undefined);
    if (!info) prints.set(rel, "missing");
    else if (info.isSymbolicLink()) prints.set(rel, `link ${await readlink(file)}`);
    else if (!info.isFile()) prints.set(rel, "not a file");
    else {
      // Opened without following a link that replaced the file since the lstat.
      const content = await readFile(file, { flag: constants.O_RDONLY | constants.O_NOFOLLOW });
      prints.set(
        rel,
        `file ${info.mode & 0o777} ${createHash("sha256").update(content).digest("hex")}`,
      );
    }
  }
  return prints;
}

/** The hidden paths whose fingerprint differs from `before`, sorted. */
export function changedHiddenFiles(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): string[] {
  return [...before.keys()].filter((rel) => before.get(rel) !== after.get(rel)).sort();
}
