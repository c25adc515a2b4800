import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { describeProblems, fieldProblems } from "./format-issues.ts";
import { TaskFile, type PublicTask } from "./schema.ts";

/** A task as stored in a bank folder, with where its files are. */
export interface BankTask {
  task: TaskFile;
  /** The task's folder: task.yaml, hidden/, gold.patch, test.patch, source/. */
  dir: string;
}

export class BankError extends Error {
  override name = "BankError";
}

export const TASK_FILE = "task.yaml";
export const GOLD_PATCH = "gold.patch";
export const TEST_PATCH = "test.patch";
export const HIDDEN_DIR = "hidden";

/** Reads and validates one task folder. */
export async function loadTask(dir: string): Promise<BankTask> {
  const file = path.join(dir, TASK_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new BankError(`${file}: cannot be read: ${(error as Error).message}`);
  }
  return { task: parseTaskYaml(text, file, path.basename(dir), "the folder name"), dir };
}

/**
 * Parses and validates the text of a task.yaml; `where` names it in errors, and the task's id
 * must be `expectedId` (what `idSource` says it must equal).
 */
export function parseTaskYaml(
  text: string,
  where: string,
  expectedId: string,
  idSource: string,
): TaskFile {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError)
      throw new BankError(`${where}: not valid YAML: ${error.message}`);
    throw error;
  }
  const parsed = TaskFile.safeParse(raw);
  if (!parsed.success) throw new BankError(describeProblems(where, fieldProblems(parsed.error)));
  if (parsed.data.id !== expectedId)
    throw new BankError(`${where}: id: "${parsed.data.id}" must equal ${idSource} "${expectedId}"`);
  return parsed.data;
}

/**
 * Loads every task of a bank folder (each subfolder with a task.yaml), sorted by id.
 * All invalid tasks are reported together.
 */
export async function loadBank(bankDir: string): Promise<BankTask[]> {
  const info = await stat(bankDir).catch(() => undefined);
  if (!info?.isDirectory()) throw new BankError(`${bankDir}: not a folder (expected a task bank)`);
  const entries = await readdir(bankDir, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory() && existsSync(path.join(bankDir, e.name, TASK_FILE)))
    .map((e) => path.join(bankDir, e.name));
  const settled = await Promise.allSettled(dirs.map((dir) => loadTask(dir)));
  const problems = settled.flatMap((s) =>
    s.status === "rejected" ? [(s.reason as Error).message] : [],
  );
  if (problems.length > 0) throw new BankError(problems.join("\n"));
  const tasks = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  return tasks.sort((a, b) => (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0));
}

/** Finds one task of a bank by id, with an error listing close ids when it is absent. */
export async function findTask(bankDir: string, taskId: string): Promise<BankTask> {
  const dir = path.join(bankDir, taskId);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(taskId) || !existsSync(path.join(dir, TASK_FILE))) {
    throw new BankError(`task "${taskId}" is not in the bank ${bankDir}`);
  }
  return loadTask(dir);
}

/** What a model may see of a task: everything but the hidden part. */
export function publicView(task: TaskFile): PublicTask {
  const { hidden: _hidden, ...rest } = task;
  return rest;
}

/** Whether the task can be graded on this machine, and if not, why. */
export function gradability(
  task: TaskFile,
): { gradable: true } | { gradable: false; reason: string } {
  if (task.kind === "manager") return { gradable: true };
  if (task.hidden.graded_externally)
    return { gradable: false, reason: task.hidden.graded_externally };
  if (!task.hidden.test) return { gradable: false, reason: "no test command" };
  if (task.source && "external" in task.source) {
    return { gradable: false, reason: `the base of ${task.source.repo} is not available here` };
  }
  return { gradable: true };
}

export async function readOptionalFile(file: string): Promise<string | undefined> {
  return readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
}
