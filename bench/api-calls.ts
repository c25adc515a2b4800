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
  console.log(`REST calls of one IC task's life (${taskId}), counted by the sandbox:`);
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

  // A call is the task's own when it touches its mirror, its task.yaml, its ledger entry or
  // dispatches its grading; the rest (app and installation lookups, tokens, the grader's
  // and the ledger's setup, the configuration) is paid once per org or per process.
  const org = arena.sandbox.org;
  const perTask = (call: TracedRequest & { phase: Phase }) =>
    call.path.startsWith(`/repos/${org}/${taskId}/`) ||
    call.path === `/repos/${org}/${taskId}` ||
    call.path.includes(`/contents/${taskId}/`) ||
    call.path.includes(`/contents/entries/${taskId}/`) ||
    call.route.endsWith("/dispatches") ||
    (call.method === "POST" &&
      call.route === "/orgs/:org/repos" &&
      (call.body as { name?: string } | undefined)?.name === taskId) ||
    // Each grading mints its own short-lived tokens.
    (call.phase !== "seed" && call.route.endsWith("/access_tokens") && caller(call) !== "app");
  const lancerCalls = calls.filter((c) => c.principal !== "user");
  for (const [label, subset] of [
    ["per task", lancerCalls.filter(perTask)],
    ["per org or per process", lancerCalls.filter((c) => !perTask(c))],
    ["agent's own client (not Lancer)", calls.filter((c) => c.principal === "user")],
  ] as const) {
    console.log(`\n  ${label}: ${subset.length}`);
    const counts = new Map<string, number>();
    for (const call of subset) {
      const key = `${caller(call).padEnd(13)} ${call.method} ${call.route}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0])))
      console.log(`    ${String(n).padStart(3)}  ${key}`);
  }
  const own = lancerCalls.filter(perTask).length;
  console.log(
    `\n  Lancer's REST calls per IC task: ${own} (target ≤ 10); with one-off setup: ${lancerCalls.length}`,
  );
} finally {
  await arena.stop();
  await rm(dir, { recursive: true, force: true });
}
