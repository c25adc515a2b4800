import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../src/core/ledger/entry.ts";
import { entriesAsLedger } from "../../src/core/report/entries-as-ledger.ts";
import { renderGroupsMarkdown } from "../../src/core/report/render-groups.ts";
import { groupEntries, summarizeGroup } from "../../src/core/report/run-groups.ts";

function entry(
  agent: string,
  taskId: string,
  outcome: LedgerEntry["outcome"],
  review?: LedgerEntry["client_review"],
): LedgerEntry {
  return {
    runId: "r",
    agent,
    taskId,
    attempt: 1,
    kind: "ic",
    priceCents: 100_00,
    outcome,
    reason: "",
    detail: "",
    payoutCents: outcome === "pass" ? 100_00 : 0,
    recordedAt: "2026-01-01T00:00:00Z",
    ...(review ? { client_review: review } : {}),
  };
}

describe("the report's list of runs", () => {
  it("has no client accepted column while no attempt was reviewed", () => {
    const groups = groupEntries([entry("a", "t1", "pass"), entry("b", "t1", "fail")]);
    const md = renderGroupsMarkdown(groups.map((g) => summarizeGroup(g)));
    expect(md).not.toContain("client accepted");
    expect(md.split("\n").filter((l) => l.startsWith("| r |"))).toHaveLength(2);
  });

  it("shows approved of reviewed attempts per agent once a maintainer reviewed one", () => {
    const entries = [
      entry("a", "t1", "pass", "approved"),
      entry("a", "t2", "fail", "changes_requested"),
      entry("a", "t3", "pass"),
      entry("b", "t1", "pass"),
      // Errors and tasks not gradable here were never decided: a review of them is not counted.
      entry("b", "t2", "error", "approved"),
    ];
    const summaries = groupEntries(entries).map((g) => summarizeGroup(g));
    expect(summaries.map((s) => [s.agent, s.client_review])).toEqual([
      ["a", { reviewed: 2, approved: 1 }],
      ["b", undefined],
    ]);
    const lines = renderGroupsMarkdown(summaries).split("\n");
    expect(lines.find((l) => l.startsWith("| run |"))).toMatch(/\| client accepted \|$/);
    expect(lines.find((l) => l.startsWith("| r | a |"))).toMatch(/\| 1 of 2 \|$/);
    expect(lines.find((l) => l.startsWith("| r | b |"))).toMatch(/\| – \|$/);
  });

  it("turns a run into the ledger repository's shape for the HTML page", () => {
    const { catalogue, records } = entriesAsLedger(
      [entry("a", "t1", "pass", "approved"), entry("a", "t2", "not_gradable")],
      "run r",
    );
    expect(catalogue.tasks.map((t) => t.id)).toEqual(["t1", "t2"]);
    expect(records.map((r) => [r.task_id, r.verdict, r.payout_cents, r.client_review])).toEqual([
      ["t1", "pass", 100_00, "approved"],
    ]);
  });
});
