import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "./inputs.ts";
import { isInside } from "./runner-env.ts";

/** What the phases put in a work folder (see workDir and main's report-bank). */
const WORK_DIR_ENTRIES = new Set([
  "task",
  "result.json",
  "result.json.tmp",
  "cache",
  "bank",
  "scratch",
  "report-bank",
]);

/**
 * Fails naming the input when the folder it names is a file or lies under one (a folder that
 * does not exist yet is fine): the raw ENOTDIR of a later mkdir or spawn names nothing.
 */
export function checkFolderInput(name: string, dir: string): void {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    let isFolder: boolean;
    try {
      isFolder = statSync(at).isDirectory();
    } catch {
      if (at === path.dirname(at)) return;
      continue;
    }
    if (isFolder) return;
    throw new InputError(
      at === path.resolve(dir)
        ? `input '${name}': ${at} is a file; expected a folder`
        : `input '${name}': ${path.resolve(dir)} is under ${at}, which is a file; expected a folder`,
    );
  }
}

/**
 * Refuses a work folder that prepare must not empty: one inside the candidate (the hidden
 * tests must stay outside it), one holding the candidate, or one holding anything the
 * phases did not put there (a home folder, the workspace's parent, `/`).
 */
export function checkWorkDir(root: string, candidateDir: string): void {
  if (isInside(root, candidateDir))
    throw new InputError(
      `input 'work-dir': ${root} is inside the candidate '${candidateDir}'; the hidden tests must stay outside it`,
    );
  if (isInside(candidateDir, root))
    throw new InputError(
      `input 'work-dir': ${root} holds the candidate '${candidateDir}'; it is emptied before grading, so give a folder of its own`,
    );
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return;
  }
  const foreign = entries.filter((entry) => !WORK_DIR_ENTRIES.has(entry)).sort();
  if (foreign.length > 0)
    throw new InputError(
      `input 'work-dir': ${root} holds files Lancer did not put there (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", …" : ""}); it is emptied before grading, so give a new or empty folder`,
    );
}
