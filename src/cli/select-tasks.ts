import type { BankTask } from "../core/task/bank.ts";
import { UsageError } from "./output.ts";

export interface TaskSelection {
  only?: string;
  tasks?: string;
}

/** Narrows a bank to `--only ic|manager` and `--tasks id,id`, naming unknown ids. */
export function selectTasks(bank: readonly BankTask[], selection: TaskSelection): BankTask[] {
  if (selection.only !== undefined && selection.only !== "ic" && selection.only !== "manager") {
    throw new UsageError(`--only: expected "ic" or "manager", got "${selection.only}"`);
  }
  let chosen = bank.filter((t) => !selection.only || t.task.kind === selection.only);
  if (selection.tasks) {
    const ids = selection.tasks
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const known = new Set(bank.map((t) => t.task.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UsageError(`--tasks: not in the bank: ${unknown.join(", ")}`);
    chosen = chosen.filter((t) => ids.includes(t.task.id));
  }
  return chosen;
}
