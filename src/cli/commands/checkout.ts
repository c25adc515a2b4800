import { existsSync, readdirSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { creatableFolderProblem } from "../../core/paths/folder-problem.ts";
import type { Command } from "commander";
import { git } from "../../core/git/git.ts";
import { findTask, GOLD_PATCH } from "../../core/task/bank.ts";
import { ensureSourceRepo } from "../../core/workspace/source-repo.ts";
import { createAgentWorkspace } from "../../core/workspace/workspace.ts";
import { cacheDirOption } from "../options.ts";
import { printJson, UsageError, type Output } from "../output.ts";

export function registerCheckout(program: Command, output: Output): void {
  program
    .command("checkout")
    .description(
      "create the workspace an agent would see: the base as one fresh commit, no hidden files",
    )
    .argument("<bank>", "bank folder")
    .argument("<task-id>", "task id")
    .argument("<dir>", "folder to create (must not exist or be empty)")
    .option("--gold", "also apply the reference fix (left uncommitted)")
    .addOption(cacheDirOption())
    .option("--json", "print JSON")
    .action(
      async (
        bankDir: string,
        taskId: string,
        target: string,
        options: { gold?: boolean; cacheDir: string; json?: boolean },
      ) => {
        // Absolute from here on: git runs inside the folder, where a relative path means another.
        const dir = path.resolve(target);
        const problem = creatableFolderProblem(dir);
        if (problem) throw new UsageError(`<dir>: ${problem}`);
        const existed = existsSync(dir);
        if (existed && readdirSync(dir).length > 0)
          throw new UsageError(`<dir>: ${target} exists and is not empty`);
        const bankTask = await findTask(bankDir, taskId);
        if (!bankTask.task.source)
          throw new UsageError(
            `${taskId} is a ${bankTask.task.kind} task without a source repository`,
          );
        let base: string;
        try {
          base = await createAgentWorkspace(
            await ensureSourceRepo(bankTask, options.cacheDir),
            dir,
          );
          if (options.gold) {
            await git(["apply", "--whitespace=nowarn", path.join(bankTask.dir, GOLD_PATCH)], {
              cwd: dir,
            });
          }
        } catch (error) {
          // Leave no half-made workspace: the folder is as it was (absent, or empty).
          await rm(dir, { recursive: true, force: true });
          if (existed) await mkdir(dir);
          throw error;
        }
        if (options.json)
          printJson(output, {
            task_id: taskId,
            dir,
            base_commit: base,
            gold: Boolean(options.gold),
          });
        else
          output.result(
            `${dir}: ${taskId} at ${base.slice(0, 12)}${options.gold ? " with the gold patch applied" : ""}`,
          );
      },
    );
}
