import { existsSync } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { assertRealPathInside } from "../paths/contained-path.ts";
import { describeProblems, fieldProblems } from "./format-issues.ts";
import { TaskFile, type PublicTask } from "./schema.ts";
import {
  checkPatchPaths,
  listHiddenFiles,
  readTaskFolderFile,
  TaskFolderError,
} from "./task-folder-files.ts";

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

/**
 * Reads and validates one task folder: task.yaml against the schema, and every path the task
 * names or holds kept inside the folder (no symbolic links among its files, no test.patch
 * path climbing out, a source folder that really is inside).
 */
export async function loadTask(dir: string): Promise<BankTask> {
  const file = path.join(dir, TASK_FILE);
  try {
    const text = await readTaskFolderFile(dir, TASK_FILE);
    if (text === undefined) throw new BankError(`${file}: missing (a task folder needs one)`);
    const task = parseTaskYaml(text, file, path.basename(dir), "the folder name");
    await checkTaskFolder(dir, task);
    return { task, dir };
  } catch (error) {
    if (error instanceof TaskFolderError) throw new BankError(error.message);
    if (error instanceof BankError) throw error;
    throw new BankError(`${file}: cannot be read: ${(error as Error).message}`);
  }
}

async function checkTaskFolder(dir: string, task: TaskFile): Promise<void> {
  await listHiddenFiles(path.join(dir, HIDDEN_DIR));
  const testPatch = await readTaskFolderFile(dir, TEST_PATCH);
  if (testPatch) checkPatchPaths(testPatch, path.join(dir, TEST_PATCH));
  const gold = await readTaskFolderFile(dir, GOLD_PATCH);
  if (gold) checkPatchPaths(gold, path.join(dir, GOLD_PATCH));
  if (task.source && "dir" in task.source) {
    await assertRealPathInside(dir, path.resolve(dir, task.source.dir), `${dir}: source.dir`);
  }
  if (task.source && "base_patch" in task.source && task.source.base_patch) {
    const name = task.source.base_patch;
    const basePatch = await readTaskFolderFile(dir, name);
    if (basePatch === undefined)
      throw new BankError(`${path.join(dir, TASK_FILE)}: source.base_patch: ${name} is missing`);
    checkPatchPaths(basePatch, path.join(dir, name));
  }
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
 * Loads every task of a bank folder, sorted by id. Every folder of a bank is a task (folders
 * whose names start with "." and plain files such as a README are left alone); a folder
 * without task.yaml, a symbolic link, or a bank with no task at all is refused by name.
 * All invalid tasks are reported together.
 */
export async function loadBank(bankDir: string): Promise<BankTask[]> {
  const info = await stat(bankDir).catch(() => undefined);
  if (!info?.isDirectory()) throw new BankError(`${bankDir}: not a folder (expected a task bank)`);
  const entries = (await readdir(bankDir, { withFileTypes: true })).filter(
    (e) => !e.name.startsWith("."),
  );
  const problems: string[] = [];
  const dirs: string[] = [];
  for (const entry of entries) {
    const dir = path.join(bankDir, entry.name);
    if (entry.isSymbolicLink())
      problems.push(`${dir} is a symbolic link; a bank's tasks must be folders inside it`);
    else if (entry.isDirectory()) {
      const misnamed = misnamedTaskFile(dir);
      if (existsSync(path.join(dir, TASK_FILE))) dirs.push(dir);
      else if (misnamed) problems.push(`${dir}: holds ${misnamed}; expected ${TASK_FILE}`);
      else
        problems.push(`${dir}: a folder with no ${TASK_FILE} (every folder of a bank is a task)`);
    }
  }
  const settled = await Promise.allSettled(dirs.map((dir) => loadTask(dir)));
  problems.push(
    ...settled.flatMap((s) => (s.status === "rejected" ? [(s.reason as Error).message] : [])),
  );
  if (problems.length > 0) throw new BankError(problems.join("\n"));
  if (dirs.length === 0)
    throw new BankError(`${bankDir}: holds no task (expected folders <task-id>/${TASK_FILE})`);
  const tasks = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  return tasks.sort((a, b) => (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0));
}

const MISNAMED_TASK_FILES = ["task.yml", "Task.yaml", "TASK.yaml", "task.YAML", "task.json"];

function misnamedTaskFile(dir: string): string | undefined {
  return MISNAMED_TASK_FILES.find((name) => existsSync(path.join(dir, name)));
}

/** Finds one task of a bank by id, with an error listing close ids when it is absent. */
export async function findTask(bankDir: string, taskId: string): Promise<BankTask> {
  if (!(await stat(bankDir).catch(() => undefined))?.isDirectory())
    throw new BankError(`${bankDir}: not a folder (expected a task bank)`);
  const dir = path.join(bankDir, taskId);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(taskId) || !existsSync(path.join(dir, TASK_FILE))) {
    throw new BankError(`task "${taskId}" is not in the bank ${bankDir}`);
  }
  if ((await lstat(dir)).isSymbolicLink())
    throw new BankError(`${dir} is a symbolic link; a bank's tasks must be folders inside it`);
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
