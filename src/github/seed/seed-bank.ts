import os from "node:os";
import path from "node:path";
import { loadBank, type BankTask } from "../../core/task/bank.ts";
import { defaultCacheDir } from "../../core/workspace/cache-dir.ts";
import { apiUrlFor } from "../api-url.ts";
import { DEFAULT_GRADER_REPO, DEFAULT_LEDGER_REPO } from "../lancer-config.ts";
import { connect, type SeedAuth } from "./client.ts";
import { createScratch, type Remote } from "./git-remote.ts";
import { seedGraderRepo } from "./grader-repo.ts";
import { seedLedgerRepo } from "./ledger-repo.ts";
import { totalsOf, type SeedReport, type SeededTask } from "./report.ts";
import { SeedError } from "./seed-error.ts";
import { orgRepoNames } from "./repos.ts";
import { seedTask } from "./seed-task.ts";
import {
  CreationThrottle,
  GITHUB_CREATION_LIMITS,
  systemClock,
  type Clock,
  type CreationLimits,
} from "./throttle.ts";

export type { SeedAuth } from "./client.ts";
export type { SeedReport, SeededTask, SeedTotals } from "./report.ts";
export type { Clock, CreationLimits } from "./throttle.ts";
export { SeedError } from "./seed-error.ts";

export const DEFAULT_ACTION_REF = "lancer/lancer@v1";

export interface SeedProgress {
  /** Steps finished: the grader repository, each task, the ledger. */
  done: number;
  total: number;
  /** `grader`, a task id, or `ledger`. */
  step: string;
  note: string;
}

export interface SeedOptions {
  bankDir: string;
  org: string;
  /** GitHub's web root: `https://github.com`, a GHES host, or the sandbox's `http://127.0.0.1:PORT`. */
  serverUrl: string;
  /** An installation (or personal) token, or the app's id and private key. */
  auth: SeedAuth;
  /** Task ids to seed (default: every task of the bank). */
  only?: readonly string[];
  /** Accounts given push access to every mirror (and listed as agents in a new config). */
  agents?: readonly string[];
  /** Accounts listed as maintainers in a new config. */
  maintainers?: readonly string[];
  graderRepo?: string;
  ledgerRepo?: string;
  /** The action the grading workflow uses (default lancer/lancer@v1). */
  actionRef?: string;
  /** Where task bases are cached (default: LANCER_CACHE_DIR or ~/.cache/lancer). */
  cacheDir?: string;
  /** Where scratch repositories are made (default: the system's temp folder). */
  workDir?: string;
  /** Content-creation pacing (default GitHub's secondary limits: 80 a minute, 500 an hour). */
  limits?: CreationLimits;
  /** Rate-limit refusals of one request waited out before giving up (default 5). */
  maxRetries?: number;
  /** Time and waiting (tests inject one that does not sleep). */
  clock?: Clock;
  /** The fetch REST requests go through (tests inject failures with it). */
  fetch?: typeof fetch;
  onProgress?: (progress: SeedProgress) => void;
  /** Each wait for a rate limit, before it starts. */
  onWait?: (ms: number, reason: string) => void;
}

const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const LOGIN = /^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/;

/**
 * Puts a bank on GitHub for an org: the private grader repository (workflow, config, hidden
 * parts), one public mirror per task with its issue (and proposals), and the ledger
 * repository's catalogue. Every step finds what exists before creating anything, so a rerun
 * (or a run after one that died) creates only what is missing.
 */
export async function seedBank(options: SeedOptions): Promise<SeedReport> {
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const graderRepo = options.graderRepo ?? DEFAULT_GRADER_REPO;
  const ledgerRepo = options.ledgerRepo ?? DEFAULT_LEDGER_REPO;
  const agents = options.agents ?? [];
  const maintainers = options.maintainers ?? [];
  const serverUrl = options.serverUrl.replace(/\/+$/, "");
  checkNames(options.org, graderRepo, ledgerRepo, agents, maintainers);
  // Absolute: task folders are used as git work trees from other folders.
  const picked = pickTasks(
    await loadBank(path.resolve(options.bankDir)),
    options.only,
    options.bankDir,
  );
  // A task whose base is not reproducible here (SWE-Lancer's IC tasks) cannot have a mirror.
  const skipped = picked.flatMap(({ task }) =>
    task.source && "external" in task.source
      ? [{ id: task.id, reason: `the base of ${task.source.repo} is not available here` }]
      : [],
  );
  const tasks = picked.filter(({ task }) => !skipped.some((s) => s.id === task.id));
  for (const { task } of tasks) {
    if ([graderRepo, ledgerRepo].some((name) => name.toLowerCase() === task.id.toLowerCase()))
      throw new SeedError(
        `task ${task.id}: its mirror would be the grader or ledger repository; choose another --grader-repo/--ledger-repo`,
      );
  }

  const client = await connect({
    apiUrl: apiUrlFor(serverUrl),
    org: options.org,
    auth: options.auth,
    throttle: new CreationThrottle(options.limits ?? GITHUB_CREATION_LIMITS, clock),
    clock,
    maxRetries: options.maxRetries ?? 5,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.onWait ? { onWait: options.onWait } : {}),
  });
  const remote = (repo: string): Remote => ({
    serverUrl,
    owner: options.org,
    repo,
    token: () => client.token(),
    secrets: () => client.secrets(),
  });
  const scratch = await createScratch(options.workDir ?? os.tmpdir());
  const total = tasks.length + 2;
  let done = 0;
  const step = (name: string, note: string) =>
    options.onProgress?.({ done: ++done, total, step: name, note });
  try {
    options.onProgress?.({ done, total, step: "grader", note: "starting" });
    const grader = await seedGraderRepo({
      octokit: client.octokit,
      remote: remote(graderRepo),
      scratch,
      org: options.org,
      name: graderRepo,
      tasks,
      actionRef: options.actionRef ?? DEFAULT_ACTION_REF,
      agents,
      maintainers,
      ledgerRepo,
      now: new Date(clock.now()).toISOString(),
    });
    step("grader", `${grader.repository} ${grader.pushed ? "updated" : "unchanged"}`);
    const seeded: SeededTask[] = [];
    const context = {
      octokit: client.octokit,
      org: options.org,
      remote,
      scratch,
      cacheDir: options.cacheDir ?? defaultCacheDir(),
      agents,
      login: client.login,
      existingRepos: await orgRepoNames(client.octokit, options.org),
    };
    for (const bankTask of tasks) {
      const result = await seedTask(context, bankTask);
      seeded.push(result);
      step(result.id, `#${result.issue_number} ${result.created.issue ? "opened" : "found"}`);
    }
    const ledger = await seedLedgerRepo({
      octokit: client.octokit,
      org: options.org,
      name: ledgerRepo,
      tasks: seeded.map((t) => ({
        id: t.id,
        kind: t.kind,
        price_cents: t.price_cents,
        title: t.title,
        repository: t.repository,
        issue_number: t.issue_number,
      })),
    });
    step("ledger", `${ledger.catalogue_tasks} tasks listed`);
    const { stats } = client;
    return {
      org: options.org,
      server_url: serverUrl,
      tasks: seeded,
      skipped,
      totals: totalsOf(seeded),
      grader,
      ledger,
      requests: {
        total: stats.total,
        creating: stats.creating,
        retries: stats.retries,
        waited_ms: stats.waitedMs,
        by_route: { ...stats.byRoute },
      },
      elapsed_ms: clock.now() - started,
    };
  } finally {
    await scratch.dispose();
  }
}

function checkNames(
  org: string,
  graderRepo: string,
  ledgerRepo: string,
  agents: readonly string[],
  maintainers: readonly string[],
): void {
  if (!LOGIN.test(org)) throw new SeedError(`org: expected an organization login, got "${org}"`);
  for (const [option, name] of [
    ["grader repo", graderRepo],
    ["ledger repo", ledgerRepo],
  ] as const) {
    if (!REPO_NAME.test(name))
      throw new SeedError(`${option}: expected a repository name in the org, got "${name}"`);
  }
  if (graderRepo.toLowerCase() === ledgerRepo.toLowerCase())
    throw new SeedError(`the grader and ledger repositories must differ (both "${graderRepo}")`);
  for (const [option, logins] of [
    ["agents", agents],
    ["maintainers", maintainers],
  ] as const) {
    const bad = logins.filter((login) => !LOGIN.test(login));
    if (bad.length > 0)
      throw new SeedError(
        `${option}: expected GitHub logins, got ${bad.map((b) => `"${b}"`).join(", ")}`,
      );
  }
}

/** The tasks to seed: `only` (in bank order), naming every id the bank does not have. */
function pickTasks(
  bank: readonly BankTask[],
  only: readonly string[] | undefined,
  bankDir: string,
): BankTask[] {
  if (bank.length === 0) throw new SeedError(`${bankDir}: the bank has no task`);
  if (!only) return [...bank];
  if (only.length === 0) throw new SeedError("only: expected at least one task id");
  const known = new Set(bank.map((t) => t.task.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new SeedError(`not in the bank ${bankDir}: ${unknown.join(", ")}`);
  return bank.filter((t) => only.includes(t.task.id));
}
