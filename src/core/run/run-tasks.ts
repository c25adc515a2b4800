import pLimit from "p-limit";
import type { Agent } from "../agent.ts";
import type { IsolationChoice } from "../environment/isolation.ts";
import type { LedgerEntry } from "../ledger/entry.ts";
import type { SqliteLedger } from "../ledger/sqlite-ledger.ts";
import type { BankTask } from "../task/bank.ts";
import { attemptTask } from "./attempt-task.ts";

export interface RunTasksOptions {
  runId: string;
  jobs: number;
  runs: number;
  cacheDir: string;
  workRoot: string;
  pathPrefix?: readonly string[];
  isolation?: IsolationChoice;
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  done: number;
  total: number;
  entry: LedgerEntry;
}

export interface RunTasksResult {
  /** Every entry of this run and agent for the tasks asked, resumed ones included. */
  entries: LedgerEntry[];
  /** Tasks skipped because the ledger already had their final outcome. */
  resumed: number;
  attempted: number;
}

/**
 * Runs an agent over tasks, `jobs` at a time, writing each outcome to the ledger as soon as it
 * is known. Tasks already finished in this run are skipped, so an interrupted run resumes.
 */
export async function runTasks(
  tasks: readonly BankTask[],
  agent: Agent,
  ledger: SqliteLedger,
  options: RunTasksOptions,
): Promise<RunTasksResult> {
  const finished = ledger.finishedTasks(options.runId, agent.name);
  const todo = tasks.filter((t) => !finished.has(t.task.id));
  const limit = pLimit(Math.max(1, options.jobs));
  let done = 0;
  await Promise.all(
    todo.map((bankTask) =>
      limit(async () => {
        const entry = await attemptTask(bankTask, agent, { ...options, attempt: 1 });
        ledger.record(entry);
        done += 1;
        options.onProgress?.({ done, total: todo.length, entry });
      }),
    ),
  );
  const ids = new Set(tasks.map((t) => t.task.id));
  const entries = ledger
    .entries({ runId: options.runId, agent: agent.name })
    .filter((e) => ids.has(e.taskId));
  return { entries, resumed: tasks.length - todo.length, attempted: todo.length };
}
