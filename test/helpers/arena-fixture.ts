import { readFileSync } from "node:fs";
import path from "node:path";
import { App, Octokit } from "octokit";
import { pino } from "pino";
import { afterAll } from "vitest";
import { createOracleAgent } from "../../src/agent/oracle.ts";
import { loadBank, type BankTask } from "../../src/core/task/bank.ts";
import { startArena, type Arena } from "../../src/demo/start-arena.ts";
import type { SeedReport } from "../../src/github/seed/seed-bank.ts";
import { solveIssue } from "../../src/github/solve-issue.ts";
import { signBody } from "../../src/sandbox/webhooks/dispatcher.ts";
import { contractOctokit } from "./sandbox-fixture.ts";
import { tempDir } from "./temp-dir.ts";

export const FIXTURE_TASKS = path.resolve(import.meta.dirname, "../../fixtures/tasks");
export const SECOND_AGENT = "second-agent";

export interface ArenaFixture {
  arena: Arena;
  seed: SeedReport;
  bank: Map<string, BankTask>;
  org: string;
  admin: Octokit;
  /** An agent's client (lancer-agent by default), every response checked against GitHub's contract. */
  agent(login?: string): Octokit;
  /** The app itself (JWT), e.g. to list and redeliver webhooks. */
  app: App;
  cacheDir: string;
  workRoot: string;
  /** Posts a webhook to the app as GitHub would, signed with `secret` (the real one by default). */
  postWebhook(
    event: string,
    payload: unknown,
    options?: { delivery?: string; secret?: string },
  ): Promise<number>;
  /** Opens a pull request with the oracle's fix, as an agent; returns its number. */
  solveWithOracle(taskId: string, login?: string): Promise<number>;
  issueOf(taskId: string): number;
  /** A ledger repository file, parsed, or undefined. */
  ledgerFile<T = unknown>(file: string): Promise<T | undefined>;
  /** Every path under a folder of the ledger repository. */
  ledgerTree(folder: string): Promise<string[]>;
}

/** The whole arena (sandbox + app + grader workflow) with some fixture tasks seeded. */
export async function startArenaFixture(
  only: string[],
  options: { now?: () => Date } = {},
): Promise<ArenaFixture> {
  const dir = tempDir("lancer-arena-");
  const webhookSecret = "s".repeat(16) + Math.random().toString(36).slice(2).padEnd(20, "x");
  const arena = await startArena({
    stateDir: path.join(dir, "sandbox"),
    moreAgents: [SECOND_AGENT],
    webhookSecret,
    ...(options.now ? { now: options.now } : {}),
    // LANCER_APP_LOG=file keeps the app's log of a test run (JSON lines).
    ...(process.env.LANCER_APP_LOG
      ? {
          log: pino(
            { level: "debug" },
            pino.destination({ dest: process.env.LANCER_APP_LOG, sync: true }),
          ),
        }
      : {}),
  });
  afterAll(() => arena.stop());
  const cacheDir = path.join(dir, "cache");
  const seed = await arena.seed({ bankDir: FIXTURE_TASKS, only, cacheDir });
  await arena.settled();
  const bank = new Map((await loadBank(FIXTURE_TASKS)).map((t) => [t.task.id, t]));
  const { sandbox } = arena;
  const admin = contractOctokit(sandbox.apiUrl, sandbox.tokens.admin);
  const app = new App({
    appId: sandbox.app.id,
    privateKey: readFileSync(sandbox.app.privateKeyPath, "utf8"),
    // No client-side throttling: octokit's one-write-a-second pacing would only slow the test.
    Octokit: Octokit.defaults({ baseUrl: sandbox.apiUrl, throttle: { enabled: false } }),
  });
  const agent = (login = sandbox.users.agent) =>
    contractOctokit(sandbox.apiUrl, sandbox.agents[login]);
  const issueOf = (taskId: string) => {
    const found = seed.tasks.find((t) => t.id === taskId);
    if (!found) throw new Error(`${taskId} was not seeded`);
    return found.issue_number;
  };
  const readLedger = async (file: string) => {
    try {
      const { data } = await admin.request("GET /repos/{owner}/{repo}/contents/{path}", {
        owner: sandbox.org,
        repo: "lancer-ledger",
        path: file,
      });
      return data;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  };
  const workRoot = path.join(dir, "work");
  return {
    arena,
    seed,
    bank,
    org: sandbox.org,
    admin,
    agent,
    app,
    cacheDir,
    workRoot,
    async postWebhook(event, payload, options = {}) {
      const body = JSON.stringify(payload);
      const response = await fetch(arena.bot.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": options.delivery ?? crypto.randomUUID(),
          "x-hub-signature-256": signBody(options.secret ?? webhookSecret, body),
        },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    },
    async solveWithOracle(taskId, login = sandbox.users.agent) {
      const outcome = await solveIssue({
        octokit: agent(login),
        serverUrl: sandbox.url,
        token: sandbox.agents[login]!,
        owner: sandbox.org,
        repo: taskId,
        issue: issueOf(taskId),
        agent: createOracleAgent(bank),
        workRoot,
      });
      if (outcome.kind !== "ic") throw new Error(`${taskId} is not an IC task`);
      return outcome.pullRequest;
    },
    issueOf,
    async ledgerFile<T>(file: string) {
      const data = (await readLedger(file)) as { content?: string } | undefined;
      if (!data?.content) return undefined;
      return JSON.parse(Buffer.from(data.content, "base64").toString("utf8")) as T;
    },
    async ledgerTree(folder) {
      const walk = async (at: string): Promise<string[]> => {
        const data = await readLedger(at);
        if (!Array.isArray(data)) return [];
        const nested = await Promise.all(
          (data as Array<{ path: string; type: string }>).map((entry) =>
            entry.type === "dir" ? walk(entry.path) : Promise.resolve([entry.path]),
          ),
        );
        return nested.flat();
      };
      return (await walk(folder)).sort();
    },
  };
}
