import type { IsolationChoice } from "../environment/isolation.ts";
import { gradeIc, type IcGrade } from "../grade/grade-ic.ts";
import { gradability, GOLD_PATCH, type BankTask } from "../task/bank.ts";
import { readTaskFolderFile } from "../task/task-folder-files.ts";

export type ValidationStatus = "ok" | "broken" | "flaky" | "skipped";

export interface TaskValidation {
  taskId: string;
  status: ValidationStatus;
  /** Runs where the gold patch passed, and where the unchanged base failed, out of `runs`. */
  goldPassed: number;
  baseFailed: number;
  runs: number;
  problems: string[];
}

export interface ValidateOptions {
  runs: number;
  cacheDir: string;
  workRoot: string;
  pathPrefix?: readonly string[];
  isolation?: IsolationChoice;
}

/**
 * Checks an IC task is fit to pay for: its gold patch passes every run and its base fails
 * every run with verdict `fail` (not `error`). Manager tasks and tasks graded elsewhere are skipped.
 */
export async function validateTask(
  bankTask: BankTask,
  options: ValidateOptions,
): Promise<TaskValidation> {
  const { task } = bankTask;
  const result = {
    taskId: task.id,
    goldPassed: 0,
    baseFailed: 0,
    runs: options.runs,
    problems: [] as string[],
  };
  if (task.kind !== "ic" || !gradability(task).gradable) return { ...result, status: "skipped" };
  const gold = await readTaskFolderFile(bankTask.dir, GOLD_PATCH);
  if (gold === undefined)
    return { ...result, status: "broken", problems: [`${GOLD_PATCH} is missing`] };
  const grade = (patch: string) => gradeIc(bankTask, { ...options, patch, allRuns: true });
  const [goldGrade, baseGrade] = [await grade(gold), await grade("")];
  result.goldPassed = countRuns(goldGrade, "pass");
  result.baseFailed = countRuns(baseGrade, "fail");
  const problems = [
    ...describe("gold patch", goldGrade, "pass", result.goldPassed, options.runs),
    ...describe("unchanged base", baseGrade, "fail", result.baseFailed, options.runs),
  ];
  const never = result.goldPassed === 0 || result.baseFailed === 0;
  const status: ValidationStatus = problems.length === 0 ? "ok" : never ? "broken" : "flaky";
  return { ...result, status, problems };
}

function countRuns(grade: IcGrade, verdict: "pass" | "fail"): number {
  return grade.runs.filter((r) => r.verdict === verdict).length;
}

function describe(
  what: string,
  grade: IcGrade,
  wanted: "pass" | "fail",
  got: number,
  runs: number,
): string[] {
  if (got === runs) return [];
  if (grade.runs.length === 0)
    return [`${what}: ${grade.verdict} (${grade.reason}: ${grade.detail})`];
  const others = grade.runs
    .filter((r) => r.verdict !== wanted)
    .map((r) => `run ${r.index}: ${r.verdict} (${r.reason}: ${r.detail})`);
  return [`${what}: ${wanted} in ${got} of ${runs} runs; ${others.join("; ")}`];
}
