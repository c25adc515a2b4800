import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { computeStandings, renderLeaderboard, taskRows } from "../../src/core/leaderboard/index.ts";
import type { Catalogue, LedgerRecord } from "../../src/core/ledger/ledger-record.ts";

const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)> & 'q'`;

const catalogue: Catalogue = {
  schema: 1,
  org: "acme<b>",
  tasks: [
    { id: "ic-1", kind: "ic", price_cents: 250_00, title: hostile },
    { id: "ic-2", kind: "ic", price_cents: 1000_00, title: "Plain title" },
    { id: "mgr-1", kind: "manager", price_cents: 500_00 },
  ],
};

function record(
  agent: string,
  taskId: string,
  attempt: number,
  verdict: LedgerRecord["verdict"],
  review?: LedgerRecord["client_review"],
): LedgerRecord {
  const task = catalogue.tasks.find((t) => t.id === taskId)!;
  return {
    schema: 1,
    task_id: taskId,
    kind: task.kind,
    agent,
    attempt,
    verdict,
    price_cents: task.price_cents,
    payout_cents: verdict === "pass" ? task.price_cents : 0,
    repository: `acme/${taskId}`,
    graded_at: `2026-01-0${attempt}T00:00:00Z`,
    ...(review ? { client_review: review } : {}),
  };
}

const records = [
  record("alice", "ic-1", 1, "fail", "changes_requested"),
  record("alice", "ic-1", 2, "pass", "approved"),
  record("alice", "ic-2", 1, "pass"),
  record("bob<i>", "ic-2", 1, "error"),
  record("bob<i>", "ic-2", 2, "fail"),
  record("bob<i>", "mgr-1", 1, "pass", "approved"),
];

describe("client review", () => {
  const standings = computeStandings(catalogue, records);

  it("counts reviewed and approved attempts per agent", () => {
    expect(standings.agents.map((a) => [a.agent, a.client_review])).toEqual([
      ["alice", { reviewed: 2, approved: 1 }],
      ["bob<i>", { reviewed: 1, approved: 1 }],
    ]);
  });

  it("shows a client accepted column in the README and the CSV", () => {
    const files = renderLeaderboard({ catalogue, records, generatedAt: "now" });
    expect(files.readme).toContain("| client accepted |");
    const rows = files.readme.split("\n").filter((line) => /^\| \d/.test(line));
    expect(rows.map((row) => row.split(" | ").at(-1))).toEqual(["1 of 2 |", "1 of 1 |"]);
    const csv = parse<Record<string, string>>(files.csv, { columns: true });
    expect(csv.map((r) => [r.agent, r.client_reviewed, r.client_approved])).toEqual([
      ["alice", "2", "1"],
      ["bob<i>", "1", "1"],
    ]);
  });

  it("shows the latest review of each agent's task", () => {
    expect(taskRows(catalogue, records).map((r) => [r.task_id, r.agent, r.client_review])).toEqual([
      ["ic-1", "alice", "approved"],
      ["ic-2", "alice", undefined],
      ["ic-2", "bob<i>", undefined],
      ["mgr-1", "bob<i>", "approved"],
    ]);
  });
});

describe("renderLeaderboardHtml", () => {
  const { html } = renderLeaderboard({ catalogue, records, generatedAt: "2026-01-09" });

  it("is one page with the chart, the standings and a row per agent and task", () => {
    expect(html.startsWith("<!doctype html>\n")).toBe(true);
    expect(html).toContain('<figure id="chart"><svg xmlns="http://www.w3.org/2000/svg"');
    expect(html.match(/<tr data-agent="/g)).toHaveLength(2);
    expect(html.match(/<tr data-task="/g)).toHaveLength(4);
    expect(html).toContain('<tr data-task="ic-2" data-agent="bob&lt;i&gt;">');
    expect(html).toContain("(10,000 resamples, seed 15)");
  });

  it("escapes every task and agent text, and runs and loads nothing", () => {
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).not.toContain("<i>");
    expect(html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &apos;q&apos;",
    );
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it("gives the same bytes for the same ledger", () => {
    const again = renderLeaderboard({
      catalogue,
      records: [...records].reverse(),
      generatedAt: "2026-01-09",
    });
    expect(again.html).toBe(html);
  });
});
