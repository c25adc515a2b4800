import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../src/core/ledger/entry.ts";
import { SqliteLedger } from "../../src/core/ledger/sqlite-ledger.ts";
import { formatCents } from "../../src/core/money.ts";
import { runLancer } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";

// Debian's chromium (scripts/setup.sh installs it); LANCER_CHROMIUM points elsewhere.
const CHROMIUM = process.env.LANCER_CHROMIUM ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const inCi = process.env.CI === "true";
const missing = `no chromium at ${CHROMIUM} (apt-get install chromium, or set LANCER_CHROMIUM); CI=true fails instead`;
// Said where the default reporter shows it, not only in the verbose reporter's skip note.
if (!present && !inCi)
  process.stderr.write(`the HTML report's browser test is skipped: ${missing}\n`);

// Flags for a quiet, private, offline headless browser; the profile is a fresh folder.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const HOSTILE = `<img src=x onerror="document.title='owned'">`;

function entry(
  agent: string,
  taskId: string,
  attempt: number,
  outcome: LedgerEntry["outcome"],
): LedgerEntry {
  const price = taskId === "t-big" ? 1500_00 : 250_00;
  return {
    runId: "browser",
    agent,
    taskId,
    attempt,
    kind: taskId.startsWith("m") ? "manager" : "ic",
    priceCents: price,
    outcome,
    reason: outcome === "pass" ? "ok" : "tests-failed",
    detail: "",
    payoutCents: outcome === "pass" ? price : 0,
    recordedAt: `2026-02-0${attempt}T00:00:00Z`,
  };
}

describe("the HTML report in a real browser", () => {
  it("shows the ledger's rows, the standings and the chart, escaped", async ({ skip }) => {
    // In CI a missing chromium fails below, by name; only a run outside CI may skip, saying why.
    skip(
      !present && !inCi,
      `no chromium at ${CHROMIUM} (apt-get install chromium, or set LANCER_CHROMIUM); CI=true fails instead`,
    );
    expect(
      present,
      `chromium is missing at ${CHROMIUM}: run scripts/setup.sh (apt-get install chromium)`,
    ).toBe(true);
    const dir = tempDir();
    const ledgerFile = path.join(dir, "ledger.sqlite");
    const ledger = new SqliteLedger(ledgerFile);
    for (const e of [
      entry("oracle", "t-big", 1, "pass"),
      entry("oracle", "t-small", 1, "fail"),
      entry("oracle", "t-small", 2, "pass"),
      entry("oracle", "m-pick", 1, "pass"),
      entry(HOSTILE, "t-big", 1, "fail"),
      entry(HOSTILE, "t-small", 1, "error"),
      entry(HOSTILE, "m-pick", 1, "not_gradable"),
    ])
      ledger.record(e);
    const entries = ledger.entries({ runId: "browser" });
    ledger.close();

    const out = path.join(dir, "html");
    const report = await runLancer(["report", "--ledger", ledgerFile, "--html", out]);
    expect(report.exitCode, report.stderr).toBe(0);
    const file = path.join(out, "index.html");
    expect(report.stdout).toContain(`HTML report: ${file}`);

    // What the ledger says, one row per agent and task with a graded entry.
    const expected = new Map<string, string[]>();
    for (const e of entries.filter((x) => x.outcome !== "not_gradable")) {
      const key = `${e.taskId}\0${e.agent}`;
      const row = expected.get(key) ?? [e.taskId, e.agent, "0", "0", "error", formatCents(0)];
      if (e.outcome !== "error") row[2] = String(Number(row[2]) + 1);
      if (e.outcome === "pass") {
        row[3] = String(Number(row[3]) + 1);
        row[4] = "pass";
        row[5] = formatCents(e.priceCents);
      } else if (e.outcome === "fail" && row[4] === "error") row[4] = "fail";
      expected.set(key, row);
    }
    const want = [...expected.values()].sort((a, b) =>
      a[0] === b[0] ? (a[1]! < b[1]! ? -1 : 1) : a[0]! < b[0]! ? -1 : 1,
    );

    const browser = await chromium.launchPersistentContext(
      mkdtempSync(path.join(os.tmpdir(), "lancer-chromium-")),
      { executablePath: CHROMIUM, headless: true, args: ARGS },
    );
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      const cellsOf = (table: string) =>
        page
          .locator(`${table} tbody tr`)
          .all()
          .then((trs) => Promise.all(trs.map((tr) => tr.locator("td").allTextContents())));
      const rows = await cellsOf("#tasks");
      // Columns: task, title, kind, price, agent, attempts, passed, verdict, payout, review.
      expect(rows.map((r) => [r[0], r[4], r[5], r[6], r[7], r[8]])).toEqual(want);
      const standings = await cellsOf("#standings");
      expect(standings.map((r) => [r[1], r[2]])).toEqual([
        ["oracle", "$2,000"],
        [HOSTILE, "$0"],
      ]);
      // The hostile name is text, not an element that ran.
      expect(await page.locator("#tasks img, #standings img").count()).toBe(0);
      expect(await page.title()).toBe("Lancer leaderboard — run browser");
      const chart = await page.locator("#chart svg").boundingBox();
      expect(chart!.width).toBeGreaterThan(100);
      expect(requests).toEqual([pathToFileURL(file).href]);
      const png = await page.screenshot({ path: path.join(dir, "report.png"), fullPage: true });
      expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
      expect(png.length).toBeGreaterThan(5_000);
      expect(readFileSync(path.join(dir, "report.png")).equals(png)).toBe(true);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
