import type { Octokit } from "@octokit/core";
import { formatCents } from "../../core/money.ts";
import { publicView, type BankTask } from "../../core/task/bank.ts";
import type { Remote, Scratch } from "./git-remote.ts";
import { ensureProposals, ensureTaskIssue } from "./issue.ts";
import { buildMirrorCommit, syncMirror } from "./mirror.ts";
import type { SeededTask } from "./report.ts";
import { ensurePushAccess, ensureRepo } from "./repos.ts";
import { SeedError } from "./seed-error.ts";

export interface SeedTaskContext {
  octokit: Octokit;
  org: string;
  remote: (repo: string) => Remote;
  scratch: Scratch;
  cacheDir: string;
  agents: readonly string[];
  /** Who the issues are opened as, when known. */
  login: string | undefined;
  /** The org's repositories when seeding began (a mirror not among them is created at once). */
  existingRepos: ReadonlySet<string>;
}

/** `Lancer task: <title> (<price>)`, on one line and short enough for GitHub. */
export function mirrorDescription(title: string, priceCents: number): string {
  const flat = title.replace(/\s+/g, " ").trim();
  const short = flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
  return `Lancer task: ${short} (${formatCents(priceCents)})`;
}

/**
 * One task on GitHub: its public mirror `<org>/<task-id>` holding the base as one commit on
 * main, push access for the agents, the task issue, and (manager tasks) one comment per
 * proposal. Each step finds what a previous run made before making anything.
 */
export async function seedTask(context: SeedTaskContext, bankTask: BankTask): Promise<SeededTask> {
  const { octokit, org } = context;
  const { task } = bankTask;
  const name = task.id;
  try {
    const built = await buildMirrorCommit(context.scratch, bankTask, context.cacheDir);
    const repo = await ensureRepo(octokit, org, name, {
      private: false,
      description: mirrorDescription(task.title, task.price_cents),
      listedAbsent: !context.existingRepos.has(name),
    });
    const content = await syncMirror(
      octokit,
      context.remote(name),
      context.scratch,
      built,
      repo.created,
    );
    const collaborators = await ensurePushAccess(octokit, org, name, context.agents, repo.created);
    const view = publicView(task);
    const issue = await ensureTaskIssue(octokit, org, name, view, {
      login: context.login,
      fresh: repo.created,
    });
    const proposals = await ensureProposals(octokit, org, name, issue, view);
    return {
      id: task.id,
      kind: task.kind,
      price_cents: task.price_cents,
      title: task.title,
      repository: `${org}/${name}`,
      issue_number: issue.issue.number,
      issue_url: issue.issue.html_url,
      created: {
        repo: repo.created,
        content,
        issue: issue.created,
        proposals: proposals.created,
        proposals_found: proposals.found,
        collaborators,
      },
    };
  } catch (error) {
    const message = (error as Error).message;
    throw new SeedError(message.includes(task.id) ? message : `task ${task.id}: ${message}`, {
      cause: error,
    });
  }
}
