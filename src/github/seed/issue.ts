import type { Octokit } from "@octokit/core";
import type { PublicTask } from "../../core/task/schema.ts";
import { listAll } from "../rest.ts";
import { readTaskIssue, renderProposalComment, renderTaskIssue, taskIdOf } from "../task-issue.ts";
import { fail } from "./repos.ts";

interface IssueData {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  user?: { login: string } | null;
  pull_request?: unknown;
}

export interface TaskIssue {
  issue: IssueData;
  created: boolean;
}

/**
 * The task's issue on its mirror, opened if there is none. Before opening one, the mirror's
 * `lancer` issues (open or closed, by `login` when it is known) are searched for the task's
 * marker: a rerun, or a run that died between the create and its answer, finds it instead of
 * opening a second one. `fresh`: the repository was created by this run, nothing to search.
 */
export async function ensureTaskIssue(
  octokit: Octokit,
  owner: string,
  repo: string,
  task: PublicTask,
  options: { login: string | undefined; fresh: boolean },
): Promise<TaskIssue> {
  const where = `${owner}/${repo}`;
  if (!options.fresh) {
    const issues = await listAll<IssueData>(octokit, "GET /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      state: "all",
      labels: "lancer",
      ...(options.login ? { creator: options.login } : {}),
    }).catch(fail(`${where}: cannot list the issues`));
    const mine = issues
      .filter((issue) => !issue.pull_request && taskIdOf(issue.body) === task.id)
      .filter((issue) => !options.login || issue.user?.login === options.login)
      .sort((a, b) => a.number - b.number);
    if (mine[0]) return { issue: mine[0], created: false };
  }
  const { title, body, labels } = renderTaskIssue(task);
  const { data } = await octokit
    .request("POST /repos/{owner}/{repo}/issues", { owner, repo, title, body, labels })
    .catch(fail(`${where}: cannot open the issue of task ${task.id}`));
  return { issue: data, created: true };
}

/**
 * Posts each proposal of a manager task as its own comment, in the task's order, skipping
 * those already posted by the issue's author (read back with the marker, as agents read them).
 * Returns how many were posted now and how many were there.
 */
export async function ensureProposals(
  octokit: Octokit,
  owner: string,
  repo: string,
  found: TaskIssue,
  task: PublicTask,
): Promise<{ created: number; found: number }> {
  const where = `${owner}/${repo}#${found.issue.number}`;
  const proposals = task.proposals ?? [];
  if (proposals.length === 0) return { created: 0, found: 0 };
  let present = new Set<number>();
  if (!found.created) {
    const comments = await listAll<{ body?: string | null; user?: { login: string } | null }>(
      octokit,
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { owner, repo, issue_number: found.issue.number },
    ).catch(fail(`${where}: cannot list the comments`));
    const posted = readTaskIssue(found.issue, comments, where).proposals ?? [];
    present = new Set(posted.map((p) => p.id));
  }
  let created = 0;
  for (const proposal of proposals) {
    if (present.has(proposal.id)) continue;
    await octokit
      .request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner,
        repo,
        issue_number: found.issue.number,
        body: renderProposalComment(proposal),
      })
      .catch(fail(`${where}: cannot post proposal ${proposal.id} of task ${task.id}`));
    created += 1;
  }
  return { created, found: proposals.length - created };
}
