import { taskIdOf } from "../task-issue.ts";
import { listAll } from "../rest.ts";
import type { ArenaScope } from "./scope.ts";

interface IssueLike {
  number: number;
  html_url: string;
  body?: string | null;
  state: string;
  created_at: string;
  user?: { login: string } | null;
  pull_request?: unknown;
}

/**
 * The task's issue on its mirror: opened by this app and carrying the task's marker (an issue
 * anyone else opened, marker or not, is not it).
 */
export async function findTaskIssue(
  scope: ArenaScope,
  repo: string,
  taskId: string,
): Promise<IssueLike | undefined> {
  const issues = await listAll<IssueLike>(scope.github, "GET /repos/{owner}/{repo}/issues", {
    owner: scope.org,
    repo,
    state: "all",
    creator: scope.app.botLogin,
    labels: "lancer",
  });
  return issues.find((issue) => isTaskIssue(scope, issue, taskId));
}

/** True when an issue is the task issue this app opened. */
export function isTaskIssue(
  scope: ArenaScope,
  issue: Pick<IssueLike, "body" | "user" | "pull_request">,
  taskId: string,
): boolean {
  return (
    !issue.pull_request &&
    issue.user?.login === scope.app.botLogin &&
    taskIdOf(issue.body) === taskId
  );
}

/**
 * The number of the task's issue: from the ledger's catalogue (`lancer seed` lists it there,
 * and the app reads the catalogue once a minute for the whole org), else looked up.
 */
export async function taskIssueNumber(
  scope: ArenaScope,
  repo: string,
  taskId: string,
): Promise<number | undefined> {
  const listed = (await scope.catalogue())?.tasks.find(
    (task) => task.id === taskId && task.repository === `${scope.org}/${repo}`,
  );
  return listed?.issue_number ?? (await findTaskIssue(scope, repo, taskId))?.number;
}
