import type { Command } from "commander";
import pLimit from "p-limit";
import { loadBank } from "../../core/task/bank.ts";
import { validateTask, type TaskValidation } from "../../core/validate/validate-task.ts";
import {
  cacheDirOption,
  positiveInt,
  testPathPrefix,
  workDirOption,
  isolationChoice,
  isolationOption,
  imageOption,
  type IsolationOptions,
} from "../options.ts";
import { printJson, type Output } from "../output.ts";
import { createProgress } from "../progress.ts";
import { selectTasks } from "../select-tasks.ts";

interface ValidateOptions extends IsolationOptions {
  runs: number;
  jobs: number;
  tasks?: string;
  cacheDir: string;
  workDir: string;
  json?: boolean;
}

export function registerValidate(program: Command, output: Output): void {
  program
    .command("validate")
    .description(
      "check each IC task: the gold fix passes N of N runs and the unchanged base fails N of N",
    )
    .argument("<bank>", "bank folder")
    .option("--runs <n>", "runs per side", positiveInt, 3)
    .option("--jobs <n>", "tasks validated in parallel", positiveInt, 1)
    .option("--tasks <ids>", "only these task ids (comma-separated)")
    .addOption(cacheDirOption())
    .addOption(isolationOption())
    .addOption(imageOption())
    .addOption(workDirOption())
    .option("--json", "print JSON")
    .action(async (bankDir: string, options: ValidateOptions) => {
      const tasks = selectTasks(await loadBank(bankDir), options);
      const progress = createProgress(output, tasks.length, "validate");
      const limit = pLimit(options.jobs);
      let done = 0;
      const results: TaskValidation[] = await Promise.all(
        tasks.map((t) =>
          limit(async () => {
            const v = await validateTask(t, {
              runs: options.runs,
              cacheDir: options.cacheDir,
              workRoot: options.workDir,
              pathPrefix: testPathPrefix(),
              isolation: isolationChoice(options),
            });
            progress.update(++done, `${v.taskId}: ${v.status}`);
            return v;
          }),
        ),
      );
      progress.finish();
      const count = (status: string) => results.filter((r) => r.status === status).length;
      const bad = count("broken") + count("flaky");
      if (bad > 0) output.setExitCode(1);
      if (options.json) {
        printJson(output, {
          ok: bad === 0,
          counts: {
            ok: count("ok"),
            broken: count("broken"),
            flaky: count("flaky"),
            skipped: count("skipped"),
          },
          tasks: results.map((r) => ({
            task_id: r.taskId,
            status: r.status,
            gold_passed: r.goldPassed,
            base_failed: r.baseFailed,
            runs: r.runs,
            problems: r.problems,
          })),
        });
        return;
      }
      for (const r of results) {
        const figures =
          r.status === "skipped"
            ? ""
            : ` gold ${r.goldPassed}/${r.runs} pass, base ${r.baseFailed}/${r.runs} fail`;
        output.result(`${r.status.padEnd(8)} ${r.taskId}${figures}`);
        for (const p of r.problems) output.result(`         ${p}`);
      }
      output.info(
        `${count("ok")} ok, ${count("broken")} broken, ${count("flaky")} flaky, ${count("skipped")} skipped (manager or graded elsewhere)`,
      );
    });
}
