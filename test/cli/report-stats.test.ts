import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../src/core/ledger/entry.ts";
import { SqliteLedger } from "../../src/core/ledger/sqlite-ledger.ts";
import { passAtK } from "../../src/core/stats/pass-at-k.ts";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const dir = tempDir();
const ledgerFile = path.join(dir, "ledger.sqlite");

/** Per task: price, kind, and the outcomes of three attempts (p pass, f fail). */
const plan: Array<[string, number, "ic" | "manager", string]> = [
  ["t01", 100_00, "ic", "ppp"],
  ["t02", 200_00, "ic", "fpf"],
  ["t03", 400_00, "ic", "fff"],
  ["t04", 50_00, "manager", "pfp"],
  ["t05", 900_00, "ic", "ffp"],
  ["t06", 300_00, "manager", "fff"],
  ["t07", 120_00, "ic", "pff"],
  ["t08", 700_00, "manager", "ppf"],
];

function entry(agent: string, taskId: string, attempt: number, passed: boolean): LedgerEntry {
  const [, price, kind] = plan.find((p) => p[0] === taskId)!;
  return {
    runId: "r1",
    agent,
    taskId,
    attempt,
    kind,
    priceCents: price,
    outcome: passed ? "pass" : "fail",
    reason: passed ? "ok" : "tests-failed",
    detail: "",
    payoutCents: passed ? price : 0,
    recordedAt: `2026-01-01T00:00:0${attempt}Z`,
  };
}

const ledger = new SqliteLedger(ledgerFile);
for (const [id, , , outcomes] of plan)
  [...outcomes].forEach((o, i) => ledger.record(entry("three-tries", id, i + 1, o === "p")));
// A second agent: one attempt per task, the first outcome of the plan; $<script> agent name.
for (const [id, , , outcomes] of plan)
  ledger.record(entry("<b>once</b>", id, 1, outcomes[0] === "p"));
ledger.close();

interface StatsJson {
  earned_cents: number;
  stats: Record<
    string,
    {
      tasks: number;
      earned_percent: number;
      earned_percent_ci: { low: number; high: number };
      tasks_attempted: number;
      pass_at: Array<{ k: number; percent: number; ci: { low: number; high: number } }>;
    }
  >;
  bootstrap: { seed: number; resamples: number; confidence: number };
  groups: Array<{ agent: string; earned_cents: number; stats: { pass_at: unknown[] } }>;
}

const report = (...more: string[]) =>
  runLancerJson<StatsJson>(["report", "--ledger", ledgerFile, "--run-id", "r1", ...more]);

describe("lancer report statistics", () => {
  it("prints pass@1..3 with the unbiased estimator and intervals, per agent", async () => {
    const json = await report("--agent", "three-tries", "--resamples", "2000");
    expect(json.exitCode).toBe(0);
    expect(json.bootstrap).toEqual({ seed: 15, resamples: 2000, confidence: 0.95 });
    const all = json.stats.all!;
    const expected = (k: number) =>
      (100 *
        plan.reduce(
          (sum, [, , , o]) => sum + passAtK(3, [...o].filter((x) => x === "p").length, k),
          0,
        )) /
      plan.length;
    expect(all.pass_at.map((p) => p.k)).toEqual([1, 2, 3]);
    for (const p of all.pass_at) {
      expect(p.percent).toBeCloseTo(expected(p.k), 10);
      expect(p.ci.low).toBeLessThanOrEqual(p.percent);
      expect(p.ci.high).toBeGreaterThanOrEqual(p.percent);
    }
    // Paid once per task: every task with a pass, whatever the attempt.
    const paid = plan.filter(([, , , o]) => o.includes("p")).reduce((s, [, price]) => s + price, 0);
    expect(json.earned_cents).toBe(paid);
    const available = plan.reduce((s, [, price]) => s + price, 0);
    expect(all.earned_percent).toBeCloseTo((100 * paid) / available, 10);
    expect(all.earned_percent_ci.low).toBeLessThan(all.earned_percent);
    expect(all.earned_percent_ci.high).toBeGreaterThan(all.earned_percent);
    expect(json.stats.manager!.tasks).toBe(3);
    // Totals per agent only: each group is one agent, and no group sums another's earnings.
    expect(json.groups.map((g) => [g.agent, g.earned_cents])).toEqual([
      ["three-tries", paid],
      ["<b>once</b>", 100_00 + 50_00 + 120_00 + 700_00],
    ]);
    expect(json.groups[1]!.stats.pass_at).toHaveLength(1);
  });

  it("is reproducible for a seed, and the seed is settable", async () => {
    const a = await report("--agent", "three-tries", "--seed", "3", "--resamples", "1000");
    const b = await report("--agent", "three-tries", "--seed", "3", "--resamples", "1000");
    const c = await report("--agent", "three-tries", "--seed", "4", "--resamples", "1000");
    expect(a.stats).toEqual(b.stats);
    expect(c.stats.all!.earned_percent).toBe(a.stats.all!.earned_percent);
    expect(JSON.stringify(c.stats)).not.toBe(JSON.stringify(a.stats));
  });

  it("shows the statistics in the Markdown report and the CSV", async () => {
    const md = await runLancer(["report", "--ledger", ledgerFile, "--agent", "three-tries"]);
    // pass@1 = mean of c/3 = (3+1+0+2+1+0+1+2) / 24; pass@3 = 6 of 8 tasks passed at least once.
    expect(md.stdout).toContain("\n\n### Statistics\n");
    expect(md.stdout).toMatch(
      /\| all \| 8 \| \d+\.\d% \(\d+\.\d–\d+\.\d\) \| 8 \| 41\.7% \(\d+\.\d–\d+\.\d\) \| pass@3 75\.0% \(\d+\.\d–\d+\.\d\) \|/,
    );
    expect(md.stdout).toContain("(10,000 resamples, seed 15;");
    expect(md.stdout).toContain(
      "| run | agent | tasks | passed | earned | available | model tokens | model cost | earned % (95% CI) | pass@1 (95% CI) |",
    );
    // No review recorded: no client accepted column.
    expect(md.stdout).not.toContain("client accepted");
    const csv = await runLancer([
      "report",
      "--ledger",
      ledgerFile,
      "--agent",
      "three-tries",
      "--format",
      "csv",
    ]);
    const [head, all] = csv.stdout.split("\n");
    expect(head).toContain(
      ",earned_percent,earned_percent_ci_low,earned_percent_ci_high,tasks_attempted,pass_at_1,",
    );
    expect(all).toMatch(/^all,8,/);
    expect(all).toContain(",8,41.7,");
  });

  it("refuses a seed that is no 32-bit integer, naming the flag", async () => {
    const bad = await runLancer(["report", "--ledger", ledgerFile, "--seed", "-1"]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain("--seed");
    const big = await runLancer(["report", "--ledger", ledgerFile, "--seed", "4294967296"]);
    expect(big.stderr).toContain("4294967296 is not an integer from 0 to 4294967295");
  });

  it("writes the run as an HTML page and prints where", async () => {
    const out = path.join(dir, "html");
    const md = await runLancer(["report", "--ledger", ledgerFile, "--html", out]);
    expect(md.exitCode).toBe(0);
    const file = path.join(out, "index.html");
    expect(md.stdout).toContain(`HTML report: ${file}`);
    const html = readFileSync(file, "utf8");
    expect(html.match(/<tr data-task="/g)).toHaveLength(16);
    expect(html).toContain('data-agent="&lt;b&gt;once&lt;/b&gt;"');
    expect(html).not.toContain("<b>once");
    const json = await report("--html", out);
    expect((json as unknown as { html_report: string }).html_report).toBe(file);
  });
});
