import { randomUUID } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { stringify } from "yaml";
import { GOLD_PATCH, TASK_FILE, TEST_PATCH } from "../task/bank.ts";
import type { ImportedTask } from "./imported-task.ts";

export class BankExistsError extends Error {
  override name = "BankExistsError";
}

/**
 * Writes tasks as a bank folder, all or nothing: everything goes to a staging folder beside
 * the target, which is then renamed into place. An existing non-empty bank is replaced only
 * with `force`.
 */
export async function writeBank(
  outDir: string,
  tasks: readonly ImportedTask[],
  options: { force?: boolean } = {},
): Promise<void> {
  const target = path.resolve(outDir);
  const occupied = existsSync(target) && readdirSync(target).length > 0;
  if (occupied && !options.force)
    throw new BankExistsError(`${outDir} exists and is not empty (use --force to replace it)`);
  const staging = `${target}.${randomUUID()}.tmp`;
  await mkdir(staging, { recursive: true });
  try {
    for (const { task, goldPatch, testPatch, files = {} } of tasks) {
      const dir = path.join(staging, task.id);
      await mkdir(dir);
      for (const [name, content] of Object.entries(files)) {
        // Importers name these; still, nothing is written outside the task's folder.
        const file = path.resolve(dir, name);
        if (!file.startsWith(dir + path.sep))
          throw new Error(`${task.id}: ${name} is outside the task folder`);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, content);
      }
      await writeFile(path.join(dir, TASK_FILE), stringify(task, { lineWidth: 0 }));
      if (goldPatch !== undefined) await writeFile(path.join(dir, GOLD_PATCH), goldPatch);
      if (testPatch !== undefined) await writeFile(path.join(dir, TEST_PATCH), testPatch);
    }
    if (existsSync(target)) {
      const old = `${target}.${randomUUID()}.old`;
      await rename(target, old);
      await rename(staging, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await mkdir(path.dirname(target), { recursive: true });
      await rename(staging, target);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
