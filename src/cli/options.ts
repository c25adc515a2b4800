import os from "node:os";
import path from "node:path";
import { InvalidArgumentError, Option } from "commander";
import {
  ISOLATION_MODES,
  type IsolationChoice,
  type IsolationMode,
} from "../core/environment/isolation.ts";
import { creatableFolderProblem, existingFolderProblem } from "../core/paths/folder-problem.ts";
import { ImageReference } from "../core/task/schema.ts";
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

/** What `--isolation` and `--image` parse to. */
export interface IsolationOptions {
  isolation: IsolationMode;
  image?: string;
}

/** `--isolation`: where install, build and tests run (grade, validate, run). */
export function isolationOption(): Option {
  return new Option(
    "--isolation <mode>",
    "where install, build and tests run: auto (a container when the task or --image names an image, else this machine), host, or container",
  )
    .choices(ISOLATION_MODES)
    .default("auto");
}

/** `--image`: the container image of tasks that name none. */
export function imageOption(): Option {
  return new Option(
    "--image <image>",
    "container image for tasks that name none (build and tests run in it with no network)",
  ).argParser((value: string) => {
    const parsed = ImageReference.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues[0]!.message);
    return value;
  });
}

export function isolationChoice(options: IsolationOptions): IsolationChoice {
  return { mode: options.isolation, ...(options.image ? { image: options.image } : {}) };
}
