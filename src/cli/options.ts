import os from "node:os";
import path from "node:path";
import { InvalidArgumentError, Option } from "commander";
import { creatableFolderProblem, existingFolderProblem } from "../core/paths/folder-problem.ts";
import { defaultCacheDir } from "../core/workspace/cache-dir.ts";

/** Parses a positive integer option, with a message naming what was expected. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("expected a whole number ≥ 1");
  return Number(value);
}

/** Parses a whole number option that may be 0. */
export function nonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return Number(value);
}

export const DEFAULT_LEDGER = ".lancer/ledger.sqlite";
export const DEFAULT_RUN_ID = "default";

/** Options every grading command shares. */
export interface WorkOptions {
  cacheDir: string;
  workDir: string;
}

export function workOptionDefaults(): WorkOptions {
  return { cacheDir: defaultCacheDir(), workDir: os.tmpdir() };
}

/** Graded tests run with the Node that runs Lancer first on PATH, whatever the shell's PATH says. */
export function testPathPrefix(): string[] {
  return [path.dirname(process.execPath)];
}

/** Parses a folder option that must exist (e.g. --work-dir), as an absolute path. */
export function existingFolder(value: string): string {
  const problem = existingFolderProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return path.resolve(value);
}

/** Parses a folder option that is made when missing (e.g. --cache-dir), as an absolute path. */
export function creatableFolder(value: string): string {
  const problem = creatableFolderProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return path.resolve(value);
}

/** `--cache-dir`: where base repositories and environments are kept; checked before the command runs. */
export function cacheDirOption(): Option {
  return new Option("--cache-dir <dir>", "where base repositories and environments are cached")
    .argParser(creatableFolder)
    .default(workOptionDefaults().cacheDir);
}

/** `--work-dir`: an existing folder for temporary workspaces; checked before the command runs. */
export function workDirOption(what = "where temporary workspaces are made"): Option {
  return new Option("--work-dir <dir>", what)
    .argParser(existingFolder)
    .default(workOptionDefaults().workDir);
}
