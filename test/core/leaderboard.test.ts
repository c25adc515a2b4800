import { parse } from "csv-parse/sync";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { computeStandings, renderLeaderboard } from "../../src/core/leaderboard/index.ts";
import { intervalText, percentFixed } from "../../src/core/leaderboard/format.ts";
import { latestPayouts } from "../../src/core/leaderboard/leaderboard-readme.ts";
import type { Catalogue, LedgerRecord } from "../../src/core/ledger/ledger-record.ts";

const catalogue: Catalogue = {
  schema: 1,
  org: "acme",
  tasks: [
    { id: "ic-1", kind: "ic", price_cents: 250_00 },
    { id: "ic-2", kind: "ic", price_cents: 1000_00, title: "Fix <Overlay> & `modal` | crash" },
    // Exactly $300 is not hard: the subset is strictly above.
    { id: "ic-3", kind: "ic", price_cents: 300_00 },
    { id: "mgr-1", kind: "manager", price_cents: 500_00 },
    { id: "mgr-2", kind: "manager", price_cents: 150_00 },
  ],
};

function record(
  agent: string,
  taskId: string,
  verdict: LedgerRecord["verdict"],
  gradedAt: string,
  extra: Partial<LedgerRecord> = {},
): LedgerRecord {
  const task = catalogue.tasks.find((t) => t.id === taskId);
  const price = extra.price_cents ?? task?.price_cents ?? 0;
  return {
    schema: 1,
    task_id: taskId,
    kind: task?.kind ?? "ic",
    agent,
    attempt: 1,
    verdict,
    price_cents: price,
    payout_cents: verdict === "pass" ? price : 0,
    repository: "acme/tasks",
    graded_at: gradedAt,
    ...extra,
  };
}

const records: LedgerRecord[] = [
  record("alice", "ic-1", "fail", "2026-01-01T10:00:00Z"),
  record("alice", "ic-2", "pass", "2026-01-02T10:00:00Z", { pull_request: 12 }),
  // Wrongly recorded twice: pays once.
  record("alice", "ic-2", "pass", "2026-01-05T10:00:00Z", { attempt: 2, pull_request: 13 }),
  record("alice", "mgr-1", "pass", "2026-01-03T10:00:00Z"),
  record("bob[bot]", "ic-1", "pass", "2026-01-04T10:00:00Z", { pull_request: 7 }),
  record("bob[bot]", "ic-3", "error", "2026-01-04T11:00:00Z"),
  record("bob[bot]", "ic-3", "fail", "2026-01-04T12:00:00Z", { attempt: 2 }),
  // Not in the catalogue: earned, never available.
  record("bob[bot]", "legacy-9", "pass", "2026-01-06T10:00:00Z", {
    kind: "manager",
    price_cents: 400_00,
  }),
  record("carol", "mgr-2", "pass", "2026-01-07T10:00:00Z"),
];

describe("computeStandings", () => {
  const standings = computeStandings(catalogue, records);

  it("totals what is on offer, per kind and above $300", () => {
    expect(standings.org).toBe("acme");
    expect(standings.totals).toEqual({
      tasks: 5,
      available_cents: 2200_00,
      by_kind: {
        ic: { tasks: 3, available_cents: 1550_00 },
        manager: { tasks: 2, available_cents: 650_00 },
      },
      hard: { tasks: 2, available_cents: 1500_00 },
    });
  });

  it("ranks agents by earnings", () => {
    expect(standings.agents.map((a) => a.agent)).toEqual(["alice", "bob[bot]", "carol"]);
  });

  it("counts a duplicate pass once", () => {
    const alice = standings.agents[0]!;
    expect(alice.percent).toBeCloseTo((100 * 1500) / 2200, 10);
    expect(alice).toEqual({
      agent: "alice",
      earned_cents: 1500_00,
      available_cents: 2200_00,
      percent: alice.percent,
      by_kind: {
        ic: { earned_cents: 1000_00, available_cents: 1550_00, passed: 1 },
        manager: { earned_cents: 500_00, available_cents: 650_00, passed: 1 },
      },
      hard: { earned_cents: 1500_00, available_cents: 1500_00 },
      attempts: 4,
      passed: 2,
      failed: 1,
      errors: 0,
      client_review: { reviewed: 0, approved: 0 },
      stats: alice.stats,
    });
    // Attempted ic-1 (0 of 1), ic-2 (2 of 2), mgr-1 (1 of 1): pass@1 = 2/3, k at most 1.
    expect(alice.stats).toMatchObject({ tasks: 5, tasks_attempted: 3, earned_cents: 1500_00 });
    expect(alice.stats.earned_percent).toBe(alice.percent);
    expect(alice.stats.pass_at.map((p) => [p.k, p.percent])).toEqual([[1, 200 / 3]]);
  });

  it("counts a task outside the catalogue as earned but not available, and errors apart", () => {
    const bob = standings.agents[1]!;
    expect(bob).toMatchObject({
      earned_cents: 650_00,
      available_cents: 2200_00,
      by_kind: {
        ic: { earned_cents: 250_00, passed: 1 },
        manager: { earned_cents: 400_00, available_cents: 650_00, passed: 1 },
      },
      hard: { earned_cents: 400_00, available_cents: 1500_00 },
      attempts: 3,
      passed: 2,
      failed: 1,
      errors: 1,
    });
    expect(standings.agents[2]).toMatchObject({ agent: "carol", earned_cents: 150_00, passed: 1 });
  });

  it("breaks ties by login and lists agents with only errors", () => {
    const tied = computeStandings(catalogue, [
      record("zed", "ic-1", "pass", "2026-01-01T00:00:00Z"),
      record("erin", "ic-1", "pass", "2026-01-01T00:00:00Z"),
      record("amy", "ic-3", "error", "2026-01-01T00:00:00Z"),
    ]);
    expect(tied.agents.map((a) => [a.agent, a.earned_cents, a.attempts, a.errors])).toEqual([
      ["erin", 250_00, 1, 0],
      ["zed", 250_00, 1, 0],
      ["amy", 0, 0, 1],
    ]);
  });

  it("has no division by zero when nothing is on offer", () => {
    const empty = computeStandings({ schema: 1, org: "acme", tasks: [] }, records.slice(-2));
    expect(empty.totals.available_cents).toBe(0);
    expect(empty.agents.map((a) => [a.agent, a.earned_cents, a.percent])).toEqual([
      ["bob[bot]", 400_00, 0],
      ["carol", 150_00, 0],
    ]);
  });
});

describe("renderLeaderboard", () => {
  const files = renderLeaderboard({ catalogue, records, generatedAt: "2026-01-08T00:00:00Z" });

  it("writes a README with the chart, the table and the latest payouts", () => {
    const { readme } = files;
    expect(readme.startsWith("# Lancer leaderboard — acme\n")).toBe(true);
    expect(readme).toContain("![Leaderboard](leaderboard.svg)");
    expect(readme).toContain("5 tasks on offer worth $2,200: 3 IC ($1,550), 2 manager ($650)");
    const rows = readme.split("\n").filter((line) => /^\| \d/.test(line));
    const [alice, bob, carol] = computeStandings(catalogue, records).agents.map((a) =>
      intervalText(a.stats.earned_percent_ci),
    );
    expect(rows).toEqual([
      `| 1 | alice | $1,500 | $2,200 | 68.2% | ${alice} | 66.7% (0.0–100.0) | – | $1,000 | $500 | $1,500 / $1,500 | 4 | 2 | 0 | – |`,
      `| 2 | bob\\[bot\\] | $650 | $2,200 | 29.5% | ${bob} | 66.7% (0.0–100.0) | – | $250 | $400 | $400 / $1,500 | 3 | 2 | 1 | – |`,
      `| 3 | carol | $150 | $2,200 | 6.8% | ${carol} | 100.0% (100.0–100.0) | – | $0 | $150 | $0 / $1,500 | 1 | 1 | 0 | – |`,
    ]);
    expect(readme).toContain("95% percentile bootstrap over the tasks (10,000 resamples, seed 15)");
    const payouts = readme.split("\n").filter((line) => line.startsWith("- "));
    expect(payouts).toEqual([
      "- 2026-01-07: carol earned $150 for mgr-2",
      "- 2026-01-06: bob\\[bot\\] earned $400 for legacy-9",
      "- 2026-01-04: bob\\[bot\\] earned $250 for ic-1 — acme/tasks#7",
      "- 2026-01-03: alice earned $500 for mgr-1",
      "- 2026-01-02: alice earned $1,000 for ic-2 " +
        "(Fix &lt;Overlay&gt; &amp; \\`modal\\` \\| crash) — acme/tasks#12",
    ]);
    expect(readme).toContain("Generated 2026-01-08T00:00:00Z");
    expect(readme).toContain("regenerated by the Lancer app after each payout");
    expect(readme).toContain("`entries/` holds one file per graded attempt");
  });

  it("escapes table cells so a login cannot break the table", () => {
    const { readme } = renderLeaderboard({
      catalogue,
      records: [record("a|b_*c*", "ic-1", "pass", "2026-01-01T00:00:00Z")],
      generatedAt: "now",
    });
    const row = readme.split("\n").find((line) => line.startsWith("| 1 "))!;
    expect(row).toContain("| a\\|b\\_\\*c\\* |");
    // Unescaped pipes separate exactly the 15 columns.
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(15);
  });

  it("lists at most 10 payouts, most recent first", () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      record("alice", `t-${i}`, "pass", `2026-02-${String(i + 1).padStart(2, "0")}T00:00:00Z`),
    );
    const latest = latestPayouts([...many, record("bob", "t-0", "fail", "2026-03-01T00:00:00Z")]);
    expect(latest.map((r) => r.task_id)).toEqual([
      "t-11",
      "t-10",
      "t-9",
      "t-8",
      "t-7",
      "t-6",
      "t-5",
      "t-4",
      "t-3",
      "t-2",
    ]);
  });

  it("writes a CSV that parses back to the standings", () => {
    const rows = parse<Record<string, string>>(files.csv, { columns: true });
    const ci = new Map(
      computeStandings(catalogue, records).agents.map((a) => [
        a.agent,
        {
          percent_ci_low: percentFixed(a.stats.earned_percent_ci!.low),
          percent_ci_high: percentFixed(a.stats.earned_percent_ci!.high),
        },
      ]),
    );
    // Every agent attempted each task at most once: pass@k stops at k = 1.
    const pass = (attempted: string, percent: string, low: string, high: string) => ({
      tasks_attempted: attempted,
      pass_at_1: percent,
      pass_at_1_ci_low: low,
      pass_at_1_ci_high: high,
      pass_at_k_k: "1",
      pass_at_k: percent,
      pass_at_k_ci_low: low,
      pass_at_k_ci_high: high,
      client_reviewed: "0",
      client_approved: "0",
    });
    expect(rows).toEqual([
      {
        agent: "alice",
        earned_cents: "150000",
        available_cents: "220000",
        percent: "68.2",
        ic_earned_cents: "100000",
        manager_earned_cents: "50000",
        hard_earned_cents: "150000",
        hard_available_cents: "150000",
        attempts: "4",
        passed: "2",
        failed: "1",
        errors: "0",
        ...ci.get("alice"),
        ...pass("3", "66.7", "0.0", "100.0"),
      },
      {
        agent: "bob[bot]",
        earned_cents: "65000",
        available_cents: "220000",
        percent: "29.5",
        ic_earned_cents: "25000",
        manager_earned_cents: "40000",
        hard_earned_cents: "40000",
        hard_available_cents: "150000",
        attempts: "3",
        passed: "2",
        failed: "1",
        errors: "1",
        ...ci.get("bob[bot]"),
        ...pass("3", "66.7", "0.0", "100.0"),
      },
      {
        agent: "carol",
        earned_cents: "15000",
        available_cents: "220000",
        percent: "6.8",
        ic_earned_cents: "0",
        manager_earned_cents: "15000",
        hard_earned_cents: "0",
        hard_available_cents: "150000",
        attempts: "1",
        passed: "1",
        failed: "0",
        errors: "0",
        ...ci.get("carol"),
        ...pass("1", "100.0", "100.0", "100.0"),
      },
    ]);
  });

  it("draws a valid SVG with one labelled bar per agent", () => {
    const { svg } = files;
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="720" height="180" /);
    expect(svg).toContain('viewBox="0 0 720 180"');
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(svg) as {
      svg: {
        title: string;
        text: Array<{ "#text": string }>;
        rect: Array<{ "@_width": string }>;
        line: Array<{ "@_x1": string; "@_x2": string; "@_y1": string; "@_y2": string }>;
      };
    };
    const agents = computeStandings(catalogue, records).agents;
    const [alice, bob, carol] = agents.map((a) => intervalText(a.stats.earned_percent_ci));
    expect(parsed.svg.title).toContain("Lancer leaderboard — acme");
    expect(parsed.svg.text.map((t) => t["#text"])).toEqual([
      "Lancer leaderboard — acme",
      `alice — $1,500 of $2,200 (68.2%, 95% CI ${alice}%)`,
      `bob[bot] — $650 of $2,200 (29.5%, 95% CI ${bob}%)`,
      `carol — $150 of $2,200 (6.8%, 95% CI ${carol}%)`,
    ]);
    // Per agent a whisker from the low to the high end of its interval, and two end caps.
    const whiskers = parsed.svg.line.filter((l) => l["@_y1"] === l["@_y2"]);
    expect(whiskers.map((l) => [Number(l["@_x1"]), Number(l["@_x2"])])).toEqual(
      agents.map((a) => [
        Number((16 + (a.stats.earned_percent_ci!.low / 100) * 688).toFixed(1)),
        Number((16 + (a.stats.earned_percent_ci!.high / 100) * 688).toFixed(1)),
      ]),
    );
    expect(parsed.svg.line).toHaveLength(9);
    // Background, then per agent a full track and the earned share of 688 px.
    expect(parsed.svg.rect.map((r) => r["@_width"])).toEqual([
      "720",
      "688",
      "469.1",
      "688",
      "203.3",
      "688",
      "46.9",
    ]);
  });

  it("escapes XML-special characters in the text it draws", () => {
    const { svg } = renderLeaderboard({
      catalogue: { ...catalogue, org: `R&D "<lab>" 'x'` },
      records: [record("o'neil&co", "ic-1", "pass", "2026-01-01T00:00:00Z")],
      generatedAt: "now",
    });
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain("Lancer leaderboard — R&amp;D &quot;&lt;lab&gt;&quot; &apos;x&apos;");
    expect(svg).toContain("o&apos;neil&amp;co — $250 of $2,200 (11.4%, 95% CI ");
    expect(svg).not.toContain("<lab>");
    const texts = (new XMLParser().parse(svg) as { svg: { text: string[] } }).svg.text;
    expect(texts[0]).toBe(`Lancer leaderboard — R&D "<lab>" 'x'`);
    expect(texts[1]).toMatch(/^o'neil&co — \$250 of \$2,200 \(11\.4%, 95% CI \d+\.\d–\d+\.\d%\)$/);
  });

  it("handles zero agents", () => {
    const empty = renderLeaderboard({ catalogue, records: [], generatedAt: "now" });
    expect(XMLValidator.validate(empty.svg)).toBe(true);
    expect(empty.svg).toContain(">No payouts yet</text>");
    expect(empty.svg).not.toContain("NaN");
    expect(parse(empty.csv, { columns: true })).toEqual([]);
    expect(empty.csv.startsWith("agent,earned_cents,available_cents,percent,")).toBe(true);
    expect(empty.readme).toContain("No graded attempts yet.");
    expect(empty.readme).toContain("## Latest payouts\n\nNone yet.");
  });

  it("draws empty bars when nothing is on offer", () => {
    const files = renderLeaderboard({
      catalogue: { schema: 1, org: "acme", tasks: [] },
      records: records.slice(-1),
      generatedAt: "now",
    });
    expect(XMLValidator.validate(files.svg)).toBe(true);
    expect(files.svg).toContain("carol — $150 of $0 (0.0%)");
    expect(files.svg).not.toMatch(/NaN|Infinity/);
    expect(files.svg).toMatch(/width="0\.0"/);
  });

  it("is deterministic, whatever the order of the records", () => {
    const again = renderLeaderboard({
      catalogue,
      records: [...records].reverse(),
      generatedAt: "2026-01-08T00:00:00Z",
    });
    expect(again).toEqual(files);
  });
});
