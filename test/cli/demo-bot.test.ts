import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("lancer demo", () => {
  it("runs the arena end to end and prints the summary as JSON", async () => {
    const dir = tempDir("lancer-demo-");
    const summary = await runLancerJson<{
      ok: boolean;
      problems: string[];
      available_cents: number;
      agents: Array<{
        agent: string;
        earned_cents: number;
        available_cents: number;
        earned_percent_ci: { low: number; high: number } | null;
        pass_at: Array<{ k: number; percent: number }>;
      }>;
      html_report: string;
      submissions: Array<{ task_id: string; agent: string; verdict: string; payout_cents: number }>;
      payout_comments: number;
      rest_calls: { per_task: number };
    }>(
      [
        "demo",
        "--only",
        "js-slugify-accents,js-lru-cache-ttl,js-emitter-remove-during-emit,mgr-due-date-off-by-one",
        "--state-dir",
        path.join(dir, "state"),
        "--cache-dir",
        path.join(dir, "cache"),
        "--swe-lancer",
        "0",
      ],
      { cwd: ROOT },
    );
    expect(summary.exitCode, summary.stderr).toBe(0);
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
    // Three IC tasks (in id order: the oracle on two, the sloppy agent on the third) and one manager
    // task answered by both agents.
    const outcome = Object.fromEntries(
      summary.submissions.map((s) => [`${s.agent} ${s.task_id}`, [s.verdict, s.payout_cents]]),
    );
    expect(outcome).toEqual({
      "lancer-agent js-emitter-remove-during-emit": ["pass", 30000],
      "lancer-agent js-lru-cache-ttl": ["pass", 250000],
      "sloppy-agent js-slugify-accents": ["fail", 0],
      "lancer-agent mgr-due-date-off-by-one": ["pass", 50000],
      "sloppy-agent mgr-due-date-off-by-one": ["fail", 0],
    });
    // Totals per agent, never summed across agents (that could exceed what is on offer).
    expect(summary).not.toHaveProperty("earned_cents");
    expect(summary.agents.map((a) => [a.agent, a.earned_cents, a.available_cents])).toEqual([
      ["lancer-agent", 30000 + 250000 + 50000, summary.available_cents],
      ["sloppy-agent", 0, summary.available_cents],
    ]);
    expect(summary.agents[0]!.pass_at).toEqual([
      { k: 1, percent: 100, ci: { low: 100, high: 100 } },
    ]);
    expect(summary.agents[1]!.earned_percent_ci).toEqual({ low: 0, high: 0 });
    // The HTML leaderboard: one row per agent and task, as the ledger has them.
    expect(summary.html_report).toBe(path.join(dir, "state", "report", "index.html"));
    const html = readFileSync(summary.html_report, "utf8");
    const rows = [...html.matchAll(/<tr data-task="([^"]+)" data-agent="([^"]+)">(.*)<\/tr>/g)].map(
      ([, task, agent, cells]) => [`${agent} ${task}`, /<span class="(\w+)">/.exec(cells!)![1]],
    );
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(Object.entries(outcome).map(([key, [verdict]]) => [key, verdict])),
    );
    // One comment per attempt: on its pull request (IC), on the issue (manager answers).
    expect(summary.payout_comments).toBe(3 + 2);
    expect(summary.rest_calls.per_task).toBeGreaterThan(0);
  }, 180_000);
});

describe("lancer bot", () => {
  it("refuses to start without a real webhook secret, naming what is wrong", async () => {
    const result = await runLancer(["bot", "--dotenv", "/nonexistent/.env"], {
      env: { APP_ID: "1", PRIVATE_KEY_PATH: "/nonexistent/key.pem", WEBHOOK_SECRET: "development" },
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("WEBHOOK_SECRET");
    expect(result.stderr).toContain("PRIVATE_KEY_PATH: /nonexistent/key.pem does not exist");
  });
});
