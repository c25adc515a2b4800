import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../src/core/ledger/entry.ts";
import { SqliteLedger } from "../../src/core/ledger/sqlite-ledger.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const dir = tempDir();

function entry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    runId: "r1",
    agent: "oracle",
    taskId: "t1",
    attempt: 1,
    kind: "ic",
    priceCents: 50_000,
    outcome: "pass",
    reason: "ok",
    detail: "",
    payoutCents: 50_000,
    recordedAt: "2026-11-24T00:00:00.000Z",
    ...overrides,
  };
}

describe("SqliteLedger", () => {
  it("writes an attempt once: a duplicate write is a no-op and never a second payout", () => {
    const ledger = new SqliteLedger(path.join(dir, "dup.sqlite"));
    expect(ledger.record(entry())).toBe(true);
    expect(ledger.record(entry())).toBe(false);
    expect(ledger.record(entry({ outcome: "fail", payoutCents: 0 }))).toBe(false);
    const entries = ledger.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ outcome: "pass", payoutCents: 50_000 });
    ledger.close();
  });

  it("lets a later grading replace an error, and only an error", () => {
    const ledger = new SqliteLedger(path.join(dir, "error.sqlite"));
    ledger.record(entry({ outcome: "error", reason: "no-evidence", payoutCents: 0 }));
    expect(ledger.finishedTasks("r1", "oracle")).toEqual(new Set());
    expect(ledger.record(entry())).toBe(true);
    expect(ledger.finishedTasks("r1", "oracle")).toEqual(new Set(["t1"]));
    expect(ledger.entries()[0]?.outcome).toBe("pass");
    ledger.close();
  });

  it("keeps separate keys for runs, agents, tasks and attempts", () => {
    const ledger = new SqliteLedger(path.join(dir, "keys.sqlite"));
    for (const e of [
      entry(),
      entry({ runId: "r2" }),
      entry({ agent: "noop" }),
      entry({ taskId: "t2" }),
      entry({ attempt: 2 }),
    ]) {
      expect(ledger.record(e)).toBe(true);
    }
    expect(ledger.entries({ runId: "r1", agent: "oracle" })).toHaveLength(3);
    ledger.close();
  });

  it("records the client's review beside the grade without changing the payout", () => {
    const ledger = new SqliteLedger(path.join(dir, "review.sqlite"));
    ledger.record(entry({ client_review: "changes_requested" }));
    ledger.record(entry({ taskId: "t2", outcome: "fail", payoutCents: 0 }));
    expect(ledger.recordClientReview({ ...entry(), taskId: "t2" }, "approved")).toBe(true);
    expect(ledger.recordClientReview({ ...entry(), taskId: "t3" }, "approved")).toBe(false);
    expect(ledger.entries().map((e) => [e.taskId, e.client_review, e.payoutCents])).toEqual([
      ["t1", "changes_requested", 50_000],
      ["t2", "approved", 0],
    ]);
    expect(() => ledger.recordClientReview(entry(), "commented" as unknown as "approved")).toThrow(
      /CHECK constraint/,
    );
    ledger.close();
  });

  it("opens a ledger made before client_review existed, and adds the column", async () => {
    const file = path.join(dir, "older.sqlite");
    const { DatabaseSync } = await import("node:sqlite");
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE attempts (
      run_id TEXT NOT NULL, agent TEXT NOT NULL, task_id TEXT NOT NULL,
      attempt INTEGER NOT NULL CHECK (attempt >= 1),
      kind TEXT NOT NULL CHECK (kind IN ('ic', 'manager')),
      price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
      outcome TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL,
      payout_cents INTEGER NOT NULL, tests_passed INTEGER, tests_failed INTEGER,
      runs_json TEXT, usage_json TEXT, recorded_at TEXT NOT NULL,
      PRIMARY KEY (run_id, agent, task_id, attempt)) STRICT;`);
    old
      .prepare(
        "INSERT INTO attempts VALUES ('r1','oracle','t1',1,'ic',500,'pass','ok','',500,NULL,NULL,NULL,NULL,'x')",
      )
      .run();
    old.close();
    const ledger = new SqliteLedger(file);
    expect(ledger.entries()[0]).not.toHaveProperty("client_review");
    expect(ledger.recordClientReview(entry(), "approved")).toBe(true);
    expect(ledger.entries()[0]).toMatchObject({ payoutCents: 500, client_review: "approved" });
    ledger.close();
  });

  it("refuses a payout that is not the price of a passed attempt", () => {
    const ledger = new SqliteLedger(path.join(dir, "check.sqlite"));
    expect(() => ledger.record(entry({ outcome: "fail", payoutCents: 50_000 }))).toThrow(
      /CHECK constraint/,
    );
    expect(() => ledger.record(entry({ payoutCents: 99_999 }))).toThrow(/CHECK constraint/);
    expect(ledger.entries()).toHaveLength(0);
    ledger.close();
  });

  it("is shared safely by two connections to one file", () => {
    const file = path.join(dir, "shared.sqlite");
    const a = new SqliteLedger(file);
    const b = new SqliteLedger(file);
    expect(a.record(entry())).toBe(true);
    expect(b.record(entry())).toBe(false);
    expect(b.entries()).toHaveLength(1);
    a.close();
    b.close();
  });

  it("is created by several processes at once without a 'database is locked'", async () => {
    const module = path.resolve(import.meta.dirname, "../../src/core/ledger/sqlite-ledger.ts");
    const open = `const { SqliteLedger } = await import(${JSON.stringify(module)}); new SqliteLedger(process.argv[1]).close();`;
    // A race: a few rounds of three processes opening the same new file.
    for (let round = 0; round < 4; round += 1) {
      const file = path.join(dir, `race-${round}.sqlite`);
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          execa(process.execPath, ["--input-type=module", "-e", open, file], { reject: false }),
        ),
      );
      expect(results.map((r) => [r.exitCode, r.stderr])).toEqual([
        [0, ""],
        [0, ""],
        [0, ""],
      ]);
    }
  });
});
