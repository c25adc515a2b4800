// REST calls of one IC task's whole life on the sandbox (seed → pull request → grading →
// payout), counted by the sandbox itself and attributed to who made them: the seeder, the
// agent (the model's own client; not Lancer's), the app, and the grader workflow's Action.
// Target: ≤ 10 by Lancer per task. Usage: node bench/api-calls.ts [--task ID]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Octokit } from "@octokit/core";
import { createOracleAgent } from "../src/agent/oracle.ts";
import { loadBank } from "../src/core/task/bank.ts";
import { startArena } from "../src/demo/start-arena.ts";
import { solveIssue } from "../src/github/solve-issue.ts";
import type { TracedRequest } from "../src/sandbox/sandbox.ts";

const { values } = parseArgs({
  options: { task: { type: "string", default: "js-slugify-accents" } },
});
const taskId = values.task;
const bankDir = path.resolve(import.meta.dirname, "../fixtures/tasks");
const dir = await mkdtemp(path.join(tmpdir(), "lancer-bench-api-"));
const arena = await startArena({ stateDir: path.join(dir, "sandbox") });

type Phase = "seed" | "submit and grade";
const calls: Array<TracedRequest & { phase: Phase }> = [];
let phase: Phase = "seed";
arena.sandbox.sandbox.stats.trace = (request) => calls.push({ ...request, phase });

/** Who made a request, from its credential and client. */
function caller(request: TracedRequest & { phase: Phase }): string {
  if (request.principal === "user") return "agent (not Lancer)";
  if (request.phase === "seed") return "seed";
  if (/probot/i.test(request.userAgent)) return "app";
  return "grader Action";
}

try {
  const seed = await arena.seed({ bankDir, only: [taskId], cacheDir: path.join(dir, "cache") });
  await arena.settled();
  phase = "submit and grade";
  const bank = new Map((await loadBank(bankDir)).map((t) => [t.task.id, t]));
  const token = arena.sandbox.tokens.agent;
  await solveIssue({
    octokit: new Octokit({ baseUrl: arena.sandbox.apiUrl, auth: token }),
    serverUrl: arena.sandbox.url,
    token,
    owner: arena.sandbox.org,
    repo: taskId,
    issue: seed.tasks[0]!.issue_number,
    agent: createOracleAgent(bank),
    workRoot: path.join(dir, "work"),
  });
  await arena.settled();

  const byCaller = new Map<string, Map<string, number>>();
  for (const call of calls) {
    const routes = byCaller.get(caller(call)) ?? new Map<string, number>();
    const key = `${call.method} ${call.route}`;
    routes.set(key, (routes.get(key) ?? 0) + 1);
    byCaller.set(caller(call), routes);
  }
  console.log(`REST calls of one IC task's life (${taskId}), counted by the sandbox:`);
  let lancer = 0;
  for (const [who, routes] of byCaller) {
    const total = [...routes.values()].reduce((a, b) => a + b, 0);
    if (!who.startsWith("agent")) lancer += total;
    console.log(`\n  ${who}: ${total}`);
    for (const [route, n] of [...routes].sort((a, b) => b[1] - a[1]))
      console.log(`    ${String(n).padStart(3)}  ${route}`);
  }
  const fixed = calls.filter(
    (c) =>
      c.phase === "seed" &&
      /installation$|^\/app$|access_tokens|lancer-(grader|ledger)/.test(c.route),
  ).length;
  console.log(`\n  by Lancer (seed + app + grader Action): ${lancer} (target ≤ 10)`);
  console.log(`  of which once per seed run, not per task (app lookups, token): ~${fixed}`);
} finally {
  await arena.stop();
  await rm(dir, { recursive: true, force: true });
}
