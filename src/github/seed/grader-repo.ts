import { lancerCommitEnv } from "../git-auth.ts";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { Octokit } from "@octokit/core";
import { gitOutput } from "../../core/git/git.ts";
import { GOLD_PATCH, type BankTask } from "../../core/task/bank.ts";
import { CONFIG_PATH, renderDefaultConfig } from "../lancer-config.ts";
import { entryAt, putPath, treeOf, writeBlob, writeTree } from "./git-tree.ts";
import { fetchBranch, pushBranch, remoteBranch, type Remote, type Scratch } from "./git-remote.ts";
import { readGraderTemplate, renderGraderWorkflow } from "./grader-workflow.ts";
import { ensureRepo } from "./repos.ts";
import { SeedError } from "./seed-error.ts";

export const GRADER_WORKFLOW_PATH = ".github/workflows/grade.yml";

export interface GraderOutcome {
  repository: string;
  created: boolean;
  /** A commit was pushed (false: the tree already held all of it). */
  pushed: boolean;
  /** The default branch's commit after seeding. */
  commit: string;
  /** `.github/lancer.yml` was written (only ever when the repository had none). */
  config_written: boolean;
}

export interface GraderOptions {
  octokit: Octokit;
  remote: Remote;
  scratch: Scratch;
  org: string;
  name: string;
  tasks: readonly BankTask[];
  actionRef: string;
  agents: readonly string[];
  maintainers: readonly string[];
  ledgerRepo: string;
  /** Commit date (ISO 8601). */
  now: string;
}

/**
 * The org's private grader repository: the grading workflow (the bank is this repository),
 * the org's configuration when it has none, and one folder per task with everything of the
 * bank task but the reference fix. One commit on top of the default branch, or none when the
 * tree would not change; other files (other tasks, the org's config) are kept.
 */
export async function seedGraderRepo(options: GraderOptions): Promise<GraderOutcome> {
  const { octokit, org, name, scratch } = options;
  const { gitDir } = scratch;
  const repository = `${org}/${name}`;
  const repo = await ensureRepo(octokit, org, name, {
    private: true,
    description: "Lancer grader: the grading workflow and the hidden tests (keep private)",
  });
  if (!repo.private) {
    throw new SeedError(
      `${repository} is public: refusing to push hidden tests to it (make it private or choose another --grader-repo)`,
    );
  }
  const branch = repo.defaultBranch;
  const head = repo.created ? undefined : await remoteBranch(options.remote, gitDir, branch);
  const parent = head ? await fetchBranch(options.remote, gitDir, branch) : undefined;
  const parentTree = parent ? await treeOf(gitDir, parent) : undefined;

  const workflow = renderGraderWorkflow(await readGraderTemplate(), {
    bank: repository,
    actionRef: options.actionRef,
  });
  let tree = await putPath(
    gitDir,
    parentTree,
    GRADER_WORKFLOW_PATH,
    await fileEntry(gitDir, workflow),
  );
  const hasConfig = parentTree ? Boolean(await entryAt(gitDir, parentTree, CONFIG_PATH)) : false;
  if (!hasConfig) {
    const config = renderDefaultConfig({
      agents: options.agents,
      maintainers: options.maintainers,
      ledger: options.ledgerRepo,
    });
    tree = await putPath(gitDir, tree, CONFIG_PATH, await fileEntry(gitDir, config));
  }
  for (const bankTask of options.tasks) {
    const taskTree = await taskFolderTree(gitDir, bankTask);
    tree = await putPath(gitDir, tree, bankTask.task.id, {
      mode: "040000",
      type: "tree",
      sha: taskTree,
    });
  }
  const finalTree = tree ?? (await writeTree(gitDir, []));
  if (parent && finalTree === parentTree) {
    return {
      repository,
      created: repo.created,
      pushed: false,
      commit: parent,
      config_written: false,
    };
  }
  const ids = options.tasks.map((t) => t.task.id);
  const message = [
    `Seed ${ids.length} task${ids.length === 1 ? "" : "s"}`,
    "",
    ...ids.map((id) => `- ${id}`),
  ].join("\n");
  const commit = await gitOutput(
    ["commit-tree", finalTree, ...(parent ? ["-p", parent] : []), "-m", message],
    {
      cwd: gitDir,
      env: lancerCommitEnv(options.now),
    },
  );
  await pushBranch(options.remote, gitDir, commit, branch);
  return { repository, created: repo.created, pushed: true, commit, config_written: !hasConfig };
}

async function fileEntry(gitDir: string, text: string) {
  return { mode: "100644", type: "blob", sha: await writeBlob(gitDir, text) };
}

/** The tree of a task folder as git sees it (`.gitignore` honoured), without gold.patch. */
async function taskFolderTree(gitDir: string, bankTask: BankTask): Promise<string> {
  const index = path.join(gitDir, `index-${bankTask.task.id}`);
  const env = { GIT_DIR: gitDir, GIT_WORK_TREE: bankTask.dir, GIT_INDEX_FILE: index };
  try {
    await gitOutput(["add", "-A", "--", ".", `:(exclude,top)${GOLD_PATCH}`], {
      cwd: bankTask.dir,
      env,
    });
    return await gitOutput(["write-tree"], { cwd: bankTask.dir, env });
  } finally {
    await rm(index, { force: true });
  }
}
