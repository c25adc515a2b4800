import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { ClientReview, LedgerEntry, Outcome } from "./entry.ts";
import {
  checkLedgerFile,
  LANCER_APPLICATION_ID,
  LedgerFileError,
  oneLine,
} from "./open-ledger-file.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS attempts (
  run_id       TEXT    NOT NULL,
  agent        TEXT    NOT NULL,
  task_id      TEXT    NOT NULL,
  attempt      INTEGER NOT NULL CHECK (attempt >= 1),
  kind         TEXT    NOT NULL CHECK (kind IN ('ic', 'manager')),
  price_cents  INTEGER NOT NULL CHECK (price_cents >= 0),
  outcome      TEXT    NOT NULL CHECK (outcome IN ('pass', 'fail', 'error', 'not_gradable')),
  reason       TEXT    NOT NULL,
  detail       TEXT    NOT NULL,
  payout_cents INTEGER NOT NULL CHECK (payout_cents = 0 OR (outcome = 'pass' AND payout_cents = price_cents)),
  tests_passed INTEGER,
  tests_failed INTEGER,
  runs_json    TEXT,
  usage_json   TEXT,
  recorded_at  TEXT    NOT NULL,
  client_review TEXT   CHECK (client_review IN ('approved', 'changes_requested')),
  PRIMARY KEY (run_id, agent, task_id, attempt)
) STRICT;
`;

/** Columns added after the first ledgers were written: an older ledger gets them on opening. */
const ADDED_COLUMNS: Record<string, string> = {
  client_review: "TEXT CHECK (client_review IN ('approved', 'changes_requested'))",
};

/** How to open a ledger file. */
export interface LedgerOpenOptions {
  /** What the path was given as (e.g. `--ledger`), named in every refusal; default "ledger". */
  flag?: string;
  /** Whether a missing or empty file becomes a new ledger (default) or is refused (a report). */
  create?: boolean;
}

let columns: readonly string[] | undefined;

/** The columns of Lancer's attempts table, in order, read from SCHEMA itself. */
function ledgerColumns(): readonly string[] {
  if (columns === undefined) {
    const db = new DatabaseSync(":memory:");
    db.exec(SCHEMA);
    columns = (
      db.prepare("SELECT name FROM pragma_table_info('attempts')").all() as unknown as Array<{
        name: string;
      }>
    ).map((c) => c.name);
    db.close();
  }
  return columns;
}

interface Row {
  run_id: string;
  agent: string;
  task_id: string;
  attempt: number;
  kind: "ic" | "manager";
  price_cents: number;
  outcome: Outcome;
  reason: string;
  detail: string;
  payout_cents: number;
  tests_passed: number | null;
  tests_failed: number | null;
  runs_json: string | null;
  usage_json: string | null;
  recorded_at: string;
  client_review: ClientReview | null;
}

/**
 * The local ledger: one SQLite row per (run, agent, task, attempt). A final outcome is never
 * overwritten, so a duplicate write is a no-op and nothing is paid twice; only an `error`
 * row may be replaced by a later grading of the same attempt.
 */
export class SqliteLedger {
  readonly file: string;
  readonly #db: DatabaseSync;

  /**
   * Opens the ledger at `file`, creating it (and its folder) when it is missing and
   * `options.create` is not false. A file that is not a Lancer ledger is refused with a
   * LedgerFileError naming `options.flag` and the file, before anything is written.
   */
  constructor(file: string, options: LedgerOpenOptions = {}) {
    this.file = file;
    if (file === ":memory:") {
      this.#db = new DatabaseSync(file);
      this.#setUp();
      return;
    }
    const flag = options.flag ?? "ledger";
    const state = checkLedgerFile(file, {
      flag,
      create: options.create ?? true,
      columns: ledgerColumns(),
      addedColumns: Object.keys(ADDED_COLUMNS),
    });
    try {
      if (state === "missing") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      this.#db = new DatabaseSync(file);
    } catch (error) {
      throw new LedgerFileError(`${flag}: ${file} cannot be created: ${oneLine(error)}`, {
        cause: error,
      });
    }
    try {
      this.#setUp();
    } catch (error) {
      this.#db.close();
      throw new LedgerFileError(`${flag}: ${file} cannot be opened: ${oneLine(error)}`, {
        cause: error,
      });
    }
  }

  /** WAL for several processes, then the schema and Lancer's mark, in one write transaction. */
  #setUp(): void {
    // Several `lancer run` processes may share one ledger file. The busy timeout comes first:
    // switching a new file to WAL takes a lock that another process may be holding.
    this.#db.exec("PRAGMA busy_timeout = 10000;");
    // Two processes switching one new file to WAL at once can deadlock on its locks, and SQLite
    // then answers one of them "database is locked" without waiting: try again shortly.
    for (let attempt = 1; ; attempt++) {
      try {
        this.#db.exec("PRAGMA journal_mode = WAL;");
        break;
      } catch (error) {
        if (attempt >= 100 || !/locked|busy/i.test(String(error))) throw error;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
    // IMMEDIATE takes the write lock first (waiting for it), so no stale read upgrades to a write.
    this.#db.exec("BEGIN IMMEDIATE;");
    try {
      this.#db.exec(SCHEMA);
      const present = new Set(
        (
          this.#db
            .prepare("SELECT name FROM pragma_table_info('attempts')")
            .all() as unknown as Array<{
            name: string;
          }>
        ).map((c) => c.name),
      );
      for (const [name, type] of Object.entries(ADDED_COLUMNS))
        if (!present.has(name)) this.#db.exec(`ALTER TABLE attempts ADD COLUMN ${name} ${type};`);
      // Stamped only when the mark is missing (a new file, or a ledger made before it), so opening
      // a marked ledger writes nothing.
      const { application_id } = this.#db.prepare("PRAGMA application_id").get() as {
        application_id: number;
      };
      if (application_id !== LANCER_APPLICATION_ID)
        this.#db.exec(`PRAGMA application_id = ${LANCER_APPLICATION_ID};`);
      this.#db.exec("COMMIT;");
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK;");
      throw error;
    }
  }

  /** Writes an entry; returns false (and changes nothing) when the attempt already has a final outcome. */
  record(entry: LedgerEntry): boolean {
    const result = this.#db
      .prepare(
        `INSERT INTO attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, agent, task_id, attempt) DO UPDATE SET
           outcome = excluded.outcome, reason = excluded.reason, detail = excluded.detail,
           payout_cents = excluded.payout_cents, tests_passed = excluded.tests_passed,
           tests_failed = excluded.tests_failed, runs_json = excluded.runs_json,
           usage_json = excluded.usage_json, recorded_at = excluded.recorded_at,
           client_review = excluded.client_review
         WHERE attempts.outcome = 'error'`,
      )
      .run(
        entry.runId,
        entry.agent,
        entry.taskId,
        entry.attempt,
        entry.kind,
        entry.priceCents,
        entry.outcome,
        entry.reason,
        entry.detail,
        entry.payoutCents,
        entry.testsPassed ?? null,
        entry.testsFailed ?? null,
        entry.runs === undefined ? null : JSON.stringify(entry.runs),
        entry.usage === undefined ? null : JSON.stringify(entry.usage),
        entry.recordedAt,
        entry.client_review ?? null,
      );
    return Number(result.changes) > 0;
  }

  /**
   * Records the client's review of an attempt beside its grade (the latest review wins; the
   * outcome and payout stay as they are). False when the attempt is not in the ledger.
   */
  recordClientReview(
    key: Pick<LedgerEntry, "runId" | "agent" | "taskId" | "attempt">,
    review: ClientReview,
  ): boolean {
    const result = this.#db
      .prepare(
        `UPDATE attempts SET client_review = ?
         WHERE run_id = ? AND agent = ? AND task_id = ? AND attempt = ?`,
      )
      .run(review, key.runId, key.agent, key.taskId, key.attempt);
    return Number(result.changes) > 0;
  }

  /** Task ids whose attempt already has a final outcome, so a resumed run can skip them. */
  finishedTasks(runId: string, agent: string, attempt = 1): Set<string> {
    const rows = this.#db
      .prepare(
        `SELECT task_id FROM attempts WHERE run_id = ? AND agent = ? AND attempt = ? AND outcome <> 'error'`,
      )
      .all(runId, agent, attempt) as unknown as Array<{ task_id: string }>;
    return new Set(rows.map((r) => r.task_id));
  }

  /** Entries, optionally of one run and one agent, ordered by task. */
  entries(filter: { runId?: string; agent?: string } = {}): LedgerEntry[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM attempts WHERE (?1 IS NULL OR run_id = ?1) AND (?2 IS NULL OR agent = ?2)
         ORDER BY run_id, agent, task_id, attempt`,
      )
      .all(filter.runId ?? null, filter.agent ?? null) as unknown as Row[];
    return rows.map(fromRow);
  }

  close(): void {
    this.#db.close();
  }
}

function fromRow(row: Row): LedgerEntry {
  return {
    runId: row.run_id,
    agent: row.agent,
    taskId: row.task_id,
    attempt: row.attempt,
    kind: row.kind,
    priceCents: row.price_cents,
    outcome: row.outcome,
    reason: row.reason,
    detail: row.detail,
    payoutCents: row.payout_cents,
    ...(row.tests_passed === null ? {} : { testsPassed: row.tests_passed }),
    ...(row.tests_failed === null ? {} : { testsFailed: row.tests_failed }),
    ...(row.runs_json === null ? {} : { runs: JSON.parse(row.runs_json) as unknown }),
    ...(row.usage_json === null
      ? {}
      : { usage: JSON.parse(row.usage_json) as LedgerEntry["usage"] }),
    ...(row.client_review === null ? {} : { client_review: row.client_review }),
    recordedAt: row.recorded_at,
  };
}
