import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../src/core/ledger/entry.ts";
import { renderCsv, renderMarkdown } from "../../src/core/report/render-report.ts";
import { summarize } from "../../src/core/report/summarize.ts";

function entry(
  taskId: string,
  kind: "ic" | "manager",
  priceCents: number,
  outcome: LedgerEntry["outcome"],
  attempt = 1,
): LedgerEntry {
  return {
    runId: "r",
    agent: "a",
    taskId,
    attempt,
    kind,
    priceCents,
    outcome,
    reason: "",
    detail: "",
    payoutCents: outcome === "pass" ? priceCents : 0,
    recordedAt: "2026-11-24T00:00:00Z",
    usage: { prompt_tokens: 10, completion_tokens: 5, cost_usd: 0.25 },
  };
}

const entries = [
  entry("a", "ic", 25_000, "pass"),
  entry("b", "ic", 100_000, "fail"),
  entry("c", "ic", 50_000, "error"),
  entry("d", "ic", 800_000, "not_gradable"),
  entry("e", "manager", 30_000, "pass"),
  entry("f", "manager", 30_001, "pass"),
  entry("g", "manager", 200_000, "fail"),
];

describe("summarize", () => {
  const summary = summarize(entries);

  it("totals earned and available cents, per kind", () => {
    expect(summary).toMatchObject({
      tasks: 7,
      passed: 3,
      failed: 2,
      errors: 1,
      not_gradable: 1,
      earned_cents: 85_001,
      available_cents: 1_235_001,
    });
    expect(summary.by_kind.ic).toEqual({
      tasks: 4,
      passed: 1,
      failed: 1,
      errors: 1,
      not_gradable: 1,
      earned_cents: 25_000,
      available_cents: 975_000,
      gradable_cents: 175_000,
    });
    expect(summary.by_kind.manager).toMatchObject({
      tasks: 3,
      passed: 2,
      earned_cents: 60_001,
      available_cents: 260_001,
    });
  });

  it("puts only tasks priced above $300 in the hard subsets", () => {
    expect(summary.hard.ic).toMatchObject({
      tasks: 3,
      passed: 0,
      earned_cents: 0,
      available_cents: 950_000,
    });
    expect(summary.hard.manager).toMatchObject({ tasks: 2, passed: 1, earned_cents: 30_001 });
  });

  it("counts a task once across attempts, keeping the paid one", () => {
    const twice = summarize([
      entry("x", "ic", 1000, "fail", 1),
      entry("x", "ic", 1000, "pass", 2),
      entry("x", "ic", 1000, "fail", 3),
    ]);
    expect(twice).toMatchObject({ tasks: 1, passed: 1, earned_cents: 1000 });
  });

  it("sums token usage and cost", () => {
    expect(summary.usage).toEqual({ prompt_tokens: 70, completion_tokens: 35, cost_usd: 1.75 });
  });

  it("renders Markdown and CSV with one row per scope", () => {
    const md = renderMarkdown(summary);
    expect(md).toContain("Earned **$850.01** of $12,350.01");
    expect(md).toContain("| manager_hard | 2 | 1 | 1 | 0 | 0 | $300.01 | $2,300.01 |");
    const csv = renderCsv(summary).trim().split("\n");
    expect(csv[0]).toBe(
      "scope,tasks,passed,failed,errors,not_gradable,earned_cents,available_cents,gradable_cents",
    );
    expect(csv).toHaveLength(6);
    expect(csv[2]).toBe("ic,4,1,1,1,1,25000,975000,175000");
  });
});
