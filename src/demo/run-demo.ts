import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Octokit } from "@octokit/core";
import pLimit from "p-limit";
import { pino } from "pino";
import { createOracleAgent } from "../agent/oracle.ts";
import type { Agent } from "../core/agent.ts";
import { git } from "../core/git/git.ts";
import {
  computeStandings,
  renderLeaderboardHtml,
  type Standings,
} from "../core/leaderboard/index.ts";
import type { LedgerRecord } from "../core/ledger/ledger-record.ts";
import { readImportFile } from "../core/import/import-file.ts";
import { writeHtmlReport } from "../core/report/write-html-report.ts";
import type { Interval, PassAtK } from "../core/stats/index.ts";
import { writeBank } from "../core/import/write-bank.ts";
import { loadBank, type BankTask } from "../core/task/bank.ts";
import { cloneUrl, gitAuthEnv } from "../github/git-auth.ts";
import { readLedgerCheckout } from "../github/publish-leaderboard.ts";
import type { SeedReport } from "../github/seed/seed-bank.ts";
import { solveIssue } from "../github/solve-issue.ts";
import { createSloppyAgent } from "./sloppy-agent.ts";
import { startArena, type Arena } from "./start-arena.ts";

export const SLOPPY_AGENT = "sloppy-agent";

export interface DemoOptions {
  bankDir: string;
  stateDir: string;
  cacheDir: string;
  only?: string[];
  /** Agents working at once. */
  jobs: number;
  /** Where the app logs (JSON lines); nowhere when unset. */
  logFile?: string;
  /** SWE-Lancer rows (CSV) to take manager tasks from, and how many (none when unset). */
  sweLancer?: { csv: string; managerTasks: number };
  onStep?: (line: string) => void;
  onProgress?: (done: number, total: number, note: string) => void;
}

/** One submission the demo makes, and what the ledger says of it in the end. */
export interface DemoSubmission {
  task_id: string;
  kind: "ic" | "manager";
  agent: string;
  /** What the demo expects: the oracle is paid, the sloppy agent is not (unless it guessed right). */
  expect: "paid" | "unpaid" | "either";
  verdict: "pass" | "fail" | "error" | "missing";
  payout_cents: number;
  where: string;
}

/** One agent's totals: what it earned of what was on offer (never summed across agents). */
export interface DemoAgentTotals {
  agent: string;
  earned_cents: number;
  available_cents: number;
  earned_percent: number;
  earned_percent_ci: Interval | null;
  passed: number;
  attempts: number;
  pass_at: PassAtK[];
}

export interface DemoSummary {
  ok: boolean;
  problems: string[];
  /** What every task on offer is worth together: the most any one agent could earn. */
  available_cents: number;
  /** Per agent, in rank order. */
  agents: DemoAgentTotals[];
  tasks: number;
  submissions: DemoSubmission[];
  standings: Standings;
  payout_comments: number;
  rest_calls: { total: number; per_task: number; by_route: Record<string, number> };
  seed: Pick<SeedReport, "totals" | "elapsed_ms">;
  elapsed_ms: number;
  sandbox: { url: string; state_dir: string; ledger_git: string };
  leaderboard_readme: string;
  /** The static HTML leaderboard (index.html) the demo wrote. */
  html_report: string;
}

interface Plan {
  task: BankTask;
  issue: number;
  agent: string;
  worker: Agent;
  expect: DemoSubmission["expect"];
}

/**
 * The whole arena on one machine: seed the bank on the sandbox, let the oracle work some IC
 * tasks and a sloppy agent the others, both answer every manager task, wait until the app
 * has graded and paid everything, and read the ledger back.
 */
/** Marks a folder as a demo's own, so that a later demo may empty it. */
const STATE_MARK = ".lancer-demo";

/**
 * Empties the state folder of an earlier demo for this one. A folder holding files without
 * the demo's mark is someone else's (`--state-dir ~`, say) and is refused untouched.
 */
async function resetStateDir(dir: string): Promise<void> {
  const entries = existsSync(dir) ? await readdir(dir) : [];
  if (entries.length > 0 && !entries.includes(STATE_MARK))
    throw new Error(
      `--state-dir: ${dir} holds files that no demo made (no ${STATE_MARK}); pass a new or empty folder`,
    );
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, STATE_MARK), "made by lancer demo; emptied by the next one\n");
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  const step = options.onStep ?? (() => undefined);
  const bank = await loadBank(options.bankDir);
  const only = options.only ? new Set(options.only) : undefined;
  const fixtures = bank.filter((t) => !only || only.has(t.task.id));
  if (fixtures.length === 0)
    throw new Error("no task to run: the bank is empty or --only matched none");
  await resetStateDir(options.stateDir);
  const sweLancerDir = path.join(options.stateDir, "swe-lancer-bank");
  const sweLancer = options.sweLancer?.managerTasks
    ? await sweLancerManagerTasks(
        options.sweLancer.csv,
        options.sweLancer.managerTasks,
        sweLancerDir,
      )
    : [];
  if (sweLancer.length > 0)
    step(`added ${sweLancer.length} SWE-Lancer manager tasks from ${options.sweLancer!.csv}`);
  const tasks = [...fixtures, ...sweLancer];
  const arena = await startArena({
    stateDir: path.join(options.stateDir, "sandbox"),
    moreAgents: [SLOPPY_AGENT],
    ...(options.logFile
      ? { log: pino({ level: "info" }, pino.destination({ dest: options.logFile, sync: true })) }
      : {}),
  });
  try {
    step(`sandbox at ${arena.sandbox.url}, app at ${arena.bot.webhookUrl}`);
    const seed = await arena.seed({
      bankDir: path.resolve(options.bankDir),
      only: fixtures.map((t) => t.task.id),
      cacheDir: options.cacheDir,
    });
    if (sweLancer.length > 0) {
      const more = await arena.seed({ bankDir: sweLancerDir, cacheDir: options.cacheDir });
      seed.tasks.push(...more.tasks);
      seed.totals.tasks += more.totals.tasks;
      seed.totals.manager += more.totals.manager;
      seed.totals.price_cents += more.totals.price_cents;
    }
    step(
      `seeded ${seed.tasks.length} tasks (${seed.totals.ic} IC, ${seed.totals.manager} manager) in ${seed.elapsed_ms} ms`,
    );
    await arena.settled();

    const plans = planSubmissions(arena, tasks, seed);
    const limit = pLimit(Math.max(1, options.jobs));
    let done = 0;
    const workRoot = await mkdtemp(path.join(options.stateDir, "agents-"));
    await Promise.all(
      plans.map((plan) =>
        limit(async () => {
          await solveIssue({
            octokit: new Octokit({
              baseUrl: arena.sandbox.apiUrl,
              auth: arena.sandbox.agents[plan.agent],
            }),
            serverUrl: arena.sandbox.url,
            token: arena.sandbox.agents[plan.agent]!,
            owner: arena.sandbox.org,
            repo: plan.task.task.id,
            issue: plan.issue,
            agent: plan.worker,
            workRoot,
          });
          done += 1;
          options.onProgress?.(done, plans.length, `${plan.agent} on ${plan.task.task.id}`);
        }),
      ),
    );
    step(`${plans.length} submissions made; waiting for grading and payouts`);
    await arena.settled();
    return await summarize(arena, plans, seed, options, started);
  } finally {
    await arena.stop();
  }
}

/** The first manager rows of a SWE-Lancer CSV, written as a bank (all rows must import). */
async function sweLancerManagerTasks(csv: string, count: number, dir: string): Promise<BankTask[]> {
  const { tasks, problems } = await readImportFile(csv, "swe-lancer-csv", {});
  if (problems.length > 0)
    throw new Error(`${csv}: ${problems.length} rows cannot be imported (try lancer import)`);
  const managers = tasks.filter((t) => t.task.kind === "manager").slice(0, count);
  await writeBank(dir, managers, { force: true });
  return loadBank(dir);
}

function planSubmissions(arena: Arena, tasks: BankTask[], seed: SeedReport): Plan[] {
  const oracle = createOracleAgent(new Map(tasks.map((t) => [t.task.id, t])));
  const sloppy = createSloppyAgent();
  const issueOf = new Map(seed.tasks.map((t) => [t.id, t.issue_number]));
  const plans: Plan[] = [];
  let ic = 0;
  for (const task of tasks) {
    const issue = issueOf.get(task.task.id)!;
    if (task.task.kind === "ic") {
      // Two IC tasks in three go to the oracle, the third to the sloppy agent.
      const toOracle = ic++ % 3 !== 2;
      plans.push({
        task,
        issue,
        agent: toOracle ? arena.sandbox.users.agent : SLOPPY_AGENT,
        worker: toOracle ? oracle : sloppy,
        expect: toOracle ? "paid" : "unpaid",
      });
    } else {
      plans.push({ task, issue, agent: arena.sandbox.users.agent, worker: oracle, expect: "paid" });
      const lastIsRight = task.task.proposals?.at(-1)?.id === task.task.hidden.correct_proposal_id;
      plans.push({
        task,
        issue,
        agent: SLOPPY_AGENT,
        worker: sloppy,
        expect: lastIsRight ? "paid" : "unpaid",
      });
    }
  }
  return plans;
}

async function summarize(
  arena: Arena,
  plans: Plan[],
  seed: SeedReport,
  options: DemoOptions,
  started: number,
): Promise<DemoSummary> {
  const { sandbox } = arena;
  const ledgerDir = path.join(options.stateDir, "ledger");
  await rm(ledgerDir, { recursive: true, force: true });
  await git(["clone", "-q", cloneUrl(sandbox.url, sandbox.org, "lancer-ledger"), ledgerDir], {
    cwd: options.stateDir,
    env: gitAuthEnv(sandbox.url, sandbox.tokens.admin),
  });
  const { catalogue, records, problems } = await readLedgerCheckout(ledgerDir);
  const standings = computeStandings(catalogue, records);
  const generatedAt =
    records
      .map((r) => r.graded_at)
      .sort()
      .at(-1) ?? "never";
  const htmlReport = await writeHtmlReport(
    path.join(options.stateDir, "report"),
    renderLeaderboardHtml({ standings, catalogue, records, generatedAt }),
  );
  const submissions = plans.map((plan) => submissionOf(plan, records, sandbox.org));
  for (const s of submissions) {
    if (s.verdict === "missing" || s.verdict === "error")
      problems.push(
        `${s.agent} on ${s.task_id}: ${s.verdict === "missing" ? "no ledger entry" : "grading error"}`,
      );
    else if (s.expect === "paid" && s.payout_cents === 0)
      problems.push(`${s.agent} on ${s.task_id}: expected a payout, got ${s.verdict}`);
    else if (s.expect === "unpaid" && s.payout_cents > 0)
      problems.push(`${s.agent} on ${s.task_id}: paid, which it should not have been`);
  }
  const payoutComments = countPayoutComments(arena);
  const byRoute = Object.fromEntries(sandbox.sandbox.stats.byRoute);
  const total = Object.values(byRoute).reduce((a, b) => a + b, 0);
  return {
    ok: problems.length === 0,
    problems,
    available_cents: standings.totals.available_cents,
    agents: standings.agents.map((a) => ({
      agent: a.agent,
      earned_cents: a.earned_cents,
      available_cents: a.available_cents,
      earned_percent: a.percent,
      earned_percent_ci: a.stats.earned_percent_ci,
      passed: a.passed,
      attempts: a.attempts,
      pass_at: a.stats.pass_at,
    })),
    tasks: catalogue.tasks.length,
    submissions,
    standings,
    payout_comments: payoutComments,
    rest_calls: {
      total,
      per_task: Math.round((10 * total) / Math.max(1, catalogue.tasks.length)) / 10,
      by_route: byRoute,
    },
    seed: { totals: seed.totals, elapsed_ms: seed.elapsed_ms },
    elapsed_ms: Date.now() - started,
    sandbox: {
      url: sandbox.url,
      state_dir: options.stateDir,
      ledger_git: path.join(sandbox.stateDir, "git", sandbox.org, "lancer-ledger.git"),
    },
    leaderboard_readme: await readFile(path.join(ledgerDir, "README.md"), "utf8"),
    html_report: htmlReport,
  };
}

function submissionOf(plan: Plan, records: LedgerRecord[], org: string): DemoSubmission {
  const mine = records
    .filter((r) => r.task_id === plan.task.task.id && r.agent === plan.agent)
    .sort((a, b) => (a.verdict === "error" ? 1 : 0) - (b.verdict === "error" ? 1 : 0));
  const record = mine[0];
  return {
    task_id: plan.task.task.id,
    kind: plan.task.task.kind,
    agent: plan.agent,
    expect: plan.expect,
    verdict: record?.verdict ?? "missing",
    payout_cents: record?.payout_cents ?? 0,
    where: record?.pull_request
      ? `${org}/${plan.task.task.id}#${record.pull_request}`
      : `${org}/${plan.task.task.id}#${plan.issue}`,
  };
}

/** Comments the app wrote about attempts (on pull requests and issues), from the sandbox's state. */
function countPayoutComments(arena: Arena): number {
  const { store } = arena.sandbox.sandbox;
  let count = 0;
  for (const comment of store.comments.values())
    if (comment.body.includes("<!-- lancer:attempt ")) count += 1;
  return count;
}
