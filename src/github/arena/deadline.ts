import type { TaskFile } from "../../core/task/schema.ts";
import { deadlineHoursOf, deadlineOf, type ArenaScope } from "./scope.ts";
import { findTaskIssue } from "./task-issue-lookup.ts";

/** The label of a pull request opened or graded after its task's deadline (never paid). */
export const LATE_LABEL = "lancer: late";

/**
 * A task's deadline: `deadline_hours` (the org's, else the task's `rules.deadline_hours`)
 * after its task issue was created. Undefined when the task has no deadline, or (logged)
 * when its issue cannot be found: no clock started, so nothing is late.
 */
export async function taskDeadline(
  scope: ArenaScope,
  task: TaskFile,
  repo: string,
  issue?: { created_at: string },
): Promise<Date | undefined> {
  const hours = deadlineHoursOf(scope, task);
  if (hours === undefined) return undefined;
  const opened = issue ?? (await findTaskIssue(scope, repo, task.id));
  if (!opened) {
    scope.log.warn(`${repo}: no task issue of ${task.id}; its deadline is not enforced`);
    return undefined;
  }
  return deadlineOf(opened.created_at, hours);
}

/** Labels a pull request (or issue) `lancer: late`. */
export async function labelLate(scope: ArenaScope, repo: string, number: number): Promise<void> {
  await scope.github.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
    owner: scope.org,
    repo,
    issue_number: number,
    labels: [LATE_LABEL],
  });
}
