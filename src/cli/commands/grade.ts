import { statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { gradeIc, type IcGrade } from "../../core/grade/grade-ic.ts";
import { gradeManager, type ManagerGrade } from "../../core/grade/grade-manager.ts";
import type { Verdict } from "../../core/grade/verdict.ts";
import { formatCents } from "../../core/money.ts";
import { computePayout } from "../../core/payout.ts";
import { defencesLine } from "../../core/report/render-grade.ts";
import { patchFromDir } from "../../core/grade/patch-from-dir.ts";
import { existingFolderProblem } from "../../core/paths/folder-problem.ts";
import { findTask, gradability, type BankTask } from "../../core/task/bank.ts";
import { ensureSourceRepo } from "../../core/workspace/source-repo.ts";
import type { TaskFile } from "../../core/task/schema.ts";
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
import { printJson, UsageError, type Output } from "../output.ts";

interface GradeOptions extends IsolationOptions {
  patch?: string;
  dir?: string;
  select?: string;
  runs: number;
  keep?: boolean;
  cacheDir: string;
  workDir: string;
  json?: boolean;
}

/** Exit codes of `lancer grade`, so that scripts can branch on the verdict. */
const EXIT_CODES: Record<Verdict, number> = { pass: 0, fail: 1, error: 2 };

/**
 * Reads the candidate patch. An empty one is refused: it is almost always a failed export
 * (a diff of the wrong folder, a redirect that went wrong), and grading it would record an
 * attempt the agent never made.
 */
async function readPatch(file: string): Promise<string> {
  let text: string;
  if (file === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    text = Buffer.concat(chunks).toString("utf8");
  } else {
    const info = statSync(file, { throwIfNoEntry: false });
    if (!info) throw new UsageError(`--patch: ${file} does not exist`);
    if (!info.isFile())
      throw new UsageError(`--patch: ${file} is not a file; expected a unified diff`);
    text = await readFile(file, "utf8").catch((error: Error) => {
      throw new UsageError(`--patch: ${file} cannot be read: ${error.message}`);
    });
  }
  const where = file === "-" ? "standard input" : file;
  if (text.trim() === "")
    throw new UsageError(
      `--patch: ${where} is empty; expected a unified diff of the candidate's change`,
    );
  if (!/^(?:diff --git |--- |\+\+\+ |@@ )/m.test(text))
    throw new UsageError(
      `--patch: ${where} is not a unified diff (no "diff --git", "---" or "@@" line)`,
    );
  return text;
}

/** The patch a candidate folder makes against the task's base (see patchFromDir). */
async function candidateFolderPatch(
  bankTask: BankTask,
  folder: string,
  options: GradeOptions,
): Promise<string> {
  const problem = existingFolderProblem(folder);
  if (problem) throw new UsageError(`--dir: ${problem}`);
  const scratch = await mkdtemp(path.join(options.workDir, "lancer-candidate-"));
  try {
    return await patchFromDir(await ensureSourceRepo(bankTask, options.cacheDir), folder, scratch);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export function registerGrade(program: Command, output: Output): void {
  program
    .command("grade")
    .description(
      "grade one candidate for one task: a patch for an IC task, a proposal for a manager task",
    )
    .argument("<bank>", "bank folder")
    .argument("<task-id>", "task id")
    .option(
      "--patch <file>",
      "IC task: the candidate as a unified diff against the base ('-' for stdin)",
    )
    .option(
      "--dir <folder>",
      "IC task: the candidate as a folder (e.g. a checked-out pull request); its diff from the base is graded",
    )
    .option("--select <id>", "manager task: the proposal chosen")
    .option("--runs <n>", "test runs; passes if any run passes", positiveInt, 3)
    .option("--keep", "keep the grading workspace and print where it is")
    .addOption(cacheDirOption())
    .addOption(isolationOption())
    .addOption(imageOption())
    .addOption(workDirOption("where the temporary workspace is made"))
    .option("--json", "print JSON")
    .addHelpText("after", "\nExit code: 0 pass, 1 fail, 2 error (the grader could not decide).")
    .action(async (bankDir: string, taskId: string, options: GradeOptions) => {
      const { task, dir } = await findTask(bankDir, taskId);
      const gradable = gradability(task);
      if (!gradable.gradable)
        throw new UsageError(`${taskId} cannot be graded here: ${gradable.reason}`);
      if (task.kind === "manager") {
        if (options.select === undefined || !/^\d+$/.test(options.select)) {
          throw new UsageError(`${taskId} is a manager task: pass --select <proposal id>`);
        }
        const ids = (task.proposals ?? []).map((p) => p.id);
        if (!ids.includes(Number(options.select)))
          throw new UsageError(
            `--select: proposal ${options.select} is not one of ${taskId}'s proposals (${ids.join(", ")})`,
          );
        const grade = gradeManager(task, Number(options.select));
        report(output, task, grade, [], options.json);
        return;
      }
      if ((options.patch === undefined) === (options.dir === undefined)) {
        throw new UsageError(`${taskId} is an IC task: pass --patch <file> or --dir <folder>`);
      }
      const grade = await gradeIc(
        { task, dir },
        {
          patch: options.dir
            ? await candidateFolderPatch({ task, dir }, options.dir, options)
            : await readPatch(options.patch!),
          runs: options.runs,
          cacheDir: options.cacheDir,
          workRoot: options.workDir,
          keepWorkspace: Boolean(options.keep),
          pathPrefix: testPathPrefix(),
          isolation: isolationChoice(options),
        },
      );
      const lines = grade.runs.map(
        (run) =>
          `  run ${run.index}: ${run.verdict} (${run.reason}) ${run.testsPassed} passed, ${run.testsFailed} failed, ${run.durationMs} ms`,
      );
      if (grade.defences) lines.push(`  ${defencesLine(grade.defences)}`);
      if (grade.workspace) lines.push(`workspace kept at ${grade.workspace}`);
      report(output, task, grade, lines, options.json);
    });
}

function report(
  output: Output,
  task: TaskFile,
  grade: IcGrade | ManagerGrade,
  details: string[],
  json: boolean | undefined,
): void {
  const payout = computePayout(task.price_cents, grade.verdict);
  output.setExitCode(EXIT_CODES[grade.verdict]);
  if (json) {
    printJson(output, {
      task_id: task.id,
      kind: task.kind,
      price_cents: task.price_cents,
      payout_cents: payout.cents,
      ...grade,
    });
    return;
  }
  output.result(`${grade.verdict} (${grade.reason}): ${grade.detail}`);
  for (const line of details) output.result(line);
  output.result(
    payout.cents === null
      ? "payout: none (grading error)"
      : `payout: ${formatCents(payout.cents)} of ${formatCents(task.price_cents)}`,
  );
}
