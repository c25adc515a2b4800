import type { Octokit } from "@octokit/core";
import type { CatalogueTask } from "../../core/ledger/ledger-record.ts";
import { readText } from "../contents.ts";
import { mergeCatalogue } from "./catalogue.ts";
import { ensureRepo, fail } from "./repos.ts";

export const CATALOGUE_PATH = "tasks.json";
export const LEDGER_README_PATH = "README.md";

export interface LedgerOutcome {
  repository: string;
  created: boolean;
  readme_written: boolean;
  catalogue_written: boolean;
  /** Tasks listed in tasks.json after seeding (the seeded ones and any listed before). */
  catalogue_tasks: number;
}

const PLACEHOLDER_README = (org: string) =>
  [
    `# Lancer ledger of ${org}`,
    "",
    "No payouts yet. Every graded attempt on a task of this org is recorded here, and the",
    "leaderboard appears in this file once there is one.",
    "",
    `\`${CATALOGUE_PATH}\` lists the tasks on offer.`,
    "",
  ].join("\n");

/**
 * The org's public ledger repository: a placeholder README when it has none, and `tasks.json`
 * listing every seeded task (merged with those already listed). Files are written through the
 * contents API only when their text changes.
 */
export async function seedLedgerRepo(options: {
  octokit: Octokit;
  org: string;
  name: string;
  tasks: readonly CatalogueTask[];
}): Promise<LedgerOutcome> {
  const { octokit, org, name } = options;
  const where = `${org}/${name}`;
  const repo = await ensureRepo(octokit, org, name, {
    private: false,
    description: "Lancer ledger: every graded attempt, payouts and the leaderboard",
  });
  const file = (path: string) => ({ owner: org, repo: name, path });
  const readme = repo.created
    ? undefined
    : await readText(octokit, file(LEDGER_README_PATH)).catch(
        fail(`${where}: cannot read README.md`),
      );
  if (!readme) {
    await write(
      octokit,
      org,
      name,
      LEDGER_README_PATH,
      PLACEHOLDER_README(org),
      "Start the ledger",
    );
  }
  const existing = repo.created
    ? undefined
    : await readText(octokit, file(CATALOGUE_PATH)).catch(
        fail(`${where}: cannot read ${CATALOGUE_PATH}`),
      );
  const text = mergeCatalogue(org, existing?.text, options.tasks, `${where}:${CATALOGUE_PATH}`);
  const changed = text !== existing?.text;
  if (changed) {
    const count = options.tasks.length;
    await write(
      octokit,
      org,
      name,
      CATALOGUE_PATH,
      text,
      `List ${count} seeded task${count === 1 ? "" : "s"}`,
      existing?.sha,
    );
  }
  return {
    repository: where,
    created: repo.created,
    readme_written: !readme,
    catalogue_written: changed,
    catalogue_tasks: (JSON.parse(text) as { tasks: unknown[] }).tasks.length,
  };
}

async function write(
  octokit: Octokit,
  owner: string,
  repo: string,
  path: string,
  text: string,
  message: string,
  sha?: string,
): Promise<void> {
  await octokit
    .request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner,
      repo,
      path,
      message,
      content: Buffer.from(text, "utf8").toString("base64"),
      ...(sha ? { sha } : {}),
    })
    .catch(fail(`${owner}/${repo}: cannot write ${path}`));
}
