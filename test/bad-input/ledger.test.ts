import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkLedgerFile,
  LANCER_APPLICATION_ID,
  LedgerFileError,
} from "../../src/core/ledger/open-ledger-file.ts";
import { SqliteLedger } from "../../src/core/ledger/sqlite-ledger.ts";
import { runLancer, type LancerResult } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyManagerTask } from "../helpers/tiny-bank.ts";
import { expectNamedError, expectTreeUnchanged, snapshotTree } from "./harness.ts";

const root = tempDir("lancer-ledger-");
const bank = path.join(root, "bank");
writeTinyManagerTask(bank, "tiny-manager");
const env = { LANCER_CACHE_DIR: path.join(root, "cache") };
/** A real ledger, made by `lancer run` in a folder that did not exist. */
const realLedger = path.join(root, "made", "ledger.sqlite");

/** A fresh folder for one case, outside the bank and the cache. */
function caseDir(name: string): string {
  const dir = path.join(root, "cases", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Reads a database without leaving -wal/-shm files beside it. */
function readDb<T>(file: string, read: (db: DatabaseSync) => T): T {
  const url = pathToFileURL(file);
  url.search = "?mode=ro&immutable=1";
  const db = new DatabaseSync(url, { readOnly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function applicationId(file: string): number {
  return readDb(
    file,
    (db) =>
      (db.prepare("PRAGMA application_id").get() as { application_id: number }).application_id,
  );
}

function tableNames(file: string): string[] {
  return readDb(file, (db) =>
    (
      db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .all() as unknown as Array<{ name: string }>
    ).map((r) => r.name),
  );
}

/** Another program's database: a `notes` table, in WAL mode when asked. */
function makeForeignDb(file: string, wal = false): void {
  const db = new DatabaseSync(file);
  if (wal) db.exec("PRAGMA journal_mode = WAL;");
  db.exec(
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'x');",
  );
  db.exec("CREATE TABLE tags (note INTEGER, tag TEXT);");
  db.close();
}

/**
 * Runs lancer on a bad ledger and asserts a one-line refusal naming --ledger and each culprit,
 * exit code 1, no stack trace, and `folder` exactly as it was.
 */
async function expectRefused(
  args: string[],
  folder: string,
  ...culprits: (string | RegExp)[]
): Promise<LancerResult> {
  const before = snapshotTree(folder);
  const result = await runLancer(args, { env });
  expect(result.exitCode, result.stderr).toBe(1);
  expectNamedError(result.stderr, "lancer: --ledger: ", ...culprits);
  expect(result.stderr.trim().split("\n"), result.stderr).toHaveLength(1);
  expectTreeUnchanged(folder, before);
  return result;
}

const report = (ledger: string): string[] => ["report", "--ledger", ledger];
const run = (ledger: string): string[] => [
  "run",
  bank,
  "--agent",
  "oracle",
  "--runs",
  "1",
  "--ledger",
  ledger,
];

beforeAll(async () => {
  const made = await runLancer(run(realLedger), { env });
  expect(made.exitCode, made.stderr).toBe(0);
});

describe("--ledger refuses what is not a Lancer ledger, naming it, and changes nothing", () => {
  it("a folder (report and run)", async () => {
    const dir = caseDir("folder");
    const ledger = path.join(dir, "ledger.sqlite");
    mkdirSync(ledger);
    await expectRefused(report(ledger), dir, `${ledger} is a folder; expected a ledger file`);
    await expectRefused(run(ledger), dir, `${ledger} is a folder; expected a ledger file`);
  });

  it("a CSV file (report and run)", async () => {
    const dir = caseDir("csv");
    const ledger = path.join(dir, "results.csv");
    writeFileSync(ledger, "run_id,agent,task_id,outcome\ndefault,oracle,t1,pass\n");
    const message = `${ledger} is not a SQLite database (it starts with "run_id,agent,task_id…")`;
    await expectRefused(report(ledger), dir, message, "expected a Lancer ledger");
    await expectRefused(run(ledger), dir, message);
  });

  it("a JSON file", async () => {
    const dir = caseDir("json");
    const ledger = path.join(dir, "ledger.json");
    writeFileSync(ledger, JSON.stringify({ entries: [] }));
    await expectRefused(
      report(ledger),
      dir,
      `${ledger} is not a SQLite database (it starts with "{\\"entries\\":[]}"); expected a Lancer ledger`,
    );
  });

  it("a non-empty file of binary garbage", async () => {
    const dir = caseDir("garbage");
    const ledger = path.join(dir, "ledger.sqlite");
    writeFileSync(ledger, Buffer.from([0x00, 0xff, 0x13, 0x37, ...Array<number>(200).fill(0xab)]));
    await expectRefused(
      run(ledger),
      dir,
      `${ledger} is not a SQLite database (it starts with "\\x00\\xff\\x137\\xab`,
    );
  });

  it("a SQLite header cut short of 100 bytes", async () => {
    const dir = caseDir("short-header");
    const ledger = path.join(dir, "ledger.sqlite");
    writeFileSync(ledger, "SQLite format 3\0 and then nothing");
    await expectRefused(
      report(ledger),
      dir,
      `${ledger} is a damaged SQLite database: it has 33 bytes, fewer than SQLite's 100-byte header`,
    );
  });

  it("a real ledger truncated to 1000 bytes (report and run)", async () => {
    const dir = caseDir("truncated");
    const ledger = path.join(dir, "ledger.sqlite");
    copyFileSync(realLedger, ledger);
    truncateSync(ledger, 1000);
    await expectRefused(report(ledger), dir, `${ledger} is a damaged SQLite database: `);
    await expectRefused(run(ledger), dir, `${ledger} is a damaged SQLite database: `);
  });

  it("a real ledger with a corrupt page in the middle", async () => {
    const dir = caseDir("corrupt");
    const ledger = path.join(dir, "ledger.sqlite");
    copyFileSync(realLedger, ledger);
    // The ledger has 3 pages of 4096 bytes; page 2 (the attempts table) is the middle one.
    const fd = openSync(ledger, "r+");
    writeSync(fd, Buffer.alloc(4096, 0xff), 0, 4096, 4096);
    closeSync(fd);
    await expectRefused(run(ledger), dir, `${ledger} is a damaged SQLite database: `);
  });

  it("another program's SQLite database with `lancer report`: no attempts table added", async () => {
    const dir = caseDir("foreign-report");
    const ledger = path.join(dir, "notes.sqlite");
    makeForeignDb(ledger);
    await expectRefused(
      report(ledger),
      dir,
      `${ledger} is a SQLite database of another program (application_id 0x00000000, tables: notes, tags), not a Lancer ledger; nothing was changed`,
    );
    expect(tableNames(ledger)).toEqual(["notes", "tags"]);
  });

  it("another program's SQLite database (WAL mode, own application_id) with `lancer run`", async () => {
    const dir = caseDir("foreign-run");
    const ledger = path.join(dir, "notes.sqlite");
    makeForeignDb(ledger, true);
    const db = new DatabaseSync(ledger);
    db.exec("PRAGMA application_id = 0x0F0E0D0C;");
    db.close();
    await expectRefused(
      run(ledger),
      dir,
      `${ledger} is a SQLite database of another program (application_id 0x0F0E0D0C, tables: notes, tags)`,
    );
    expect(tableNames(ledger)).toEqual(["notes", "tags"]);
    expect(existsSync(`${ledger}-wal`) || existsSync(`${ledger}-shm`)).toBe(false);
  });

  it("a database whose attempts table has other columns", async () => {
    const dir = caseDir("other-attempts");
    const ledger = path.join(dir, "ledger.sqlite");
    const db = new DatabaseSync(ledger);
    db.exec("CREATE TABLE attempts (id INTEGER PRIMARY KEY, task TEXT, score REAL);");
    db.close();
    await expectRefused(
      run(ledger),
      dir,
      `${ledger} has an attempts table that is not Lancer's (missing columns: run_id, agent, task_id,`,
      "other columns: id, task, score); expected a Lancer ledger; nothing was changed",
    );
  });

  it("a path whose parent is a file (report and run): no folder is made", async () => {
    const dir = caseDir("parent-file");
    const parent = path.join(dir, "file.txt");
    writeFileSync(parent, "not a folder\n");
    const ledger = path.join(parent, "ledger.sqlite");
    await expectRefused(
      report(ledger),
      dir,
      `--ledger: ${ledger}: ${parent} is a file, not a folder`,
    );
    await expectRefused(run(ledger), dir, `--ledger: ${ledger}: ${parent} is a file, not a folder`);
  });

  it("a path that does not exist, for `lancer report`: nothing is created", async () => {
    const dir = caseDir("missing");
    const ledger = path.join(dir, "sub", "none.sqlite");
    await expectRefused(
      report(ledger),
      dir,
      `--ledger: ${ledger} does not exist`,
      "run `lancer run` first or pass the ledger's path",
    );
  });

  it("an empty file, for `lancer report`", async () => {
    const dir = caseDir("empty-report");
    const ledger = path.join(dir, "ledger.sqlite");
    writeFileSync(ledger, "");
    await expectRefused(
      report(ledger),
      dir,
      `--ledger: ${ledger} is an empty file, not a ledger yet`,
    );
  });

  it("a path that cannot be read: a symbolic link to itself", async () => {
    const dir = caseDir("link-loop");
    const ledger = path.join(dir, "ledger.sqlite");
    symlinkSync(ledger, ledger);
    await expectRefused(
      report(ledger),
      dir,
      `--ledger: ${ledger} cannot be read (ELOOP); expected a readable ledger file`,
    );
  });

  it.skipIf(process.getuid?.() === 0)("a file that cannot be read", async () => {
    const dir = caseDir("unreadable");
    const ledger = path.join(dir, "ledger.sqlite");
    copyFileSync(realLedger, ledger);
    chmodSync(ledger, 0o000);
    await expectRefused(
      report(ledger),
      dir,
      `--ledger: ${ledger} cannot be read (permission denied)`,
    );
  });
});

describe("--ledger accepts Lancer's ledgers", () => {
  it("a new ledger carries Lancer's application_id and leaves no side files", () => {
    expect(LANCER_APPLICATION_ID).toBe(0x4c4e4352);
    expect(applicationId(realLedger)).toBe(LANCER_APPLICATION_ID);
    expect(snapshotTree(path.dirname(realLedger))).toEqual({
      "ledger.sqlite": expect.stringMatching(/^file /) as unknown,
    });
  });

  it("a ledger made before the mark (application_id 0, Lancer's table) opens and gets stamped", async () => {
    const dir = caseDir("legacy");
    const ledger = path.join(dir, "ledger.sqlite");
    copyFileSync(realLedger, ledger);
    const db = new DatabaseSync(ledger);
    db.exec("PRAGMA application_id = 0;");
    db.close();
    expect(applicationId(ledger)).toBe(0);
    const result = await runLancer([...report(ledger), "--json"], { env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ agent: "oracle", tasks: 1, passed: 1 });
    expect(applicationId(ledger)).toBe(LANCER_APPLICATION_ID);
    expect(tableNames(ledger)).toEqual(["attempts"]);
  });

  it("an empty file (what `touch` makes) becomes a ledger with `lancer run`", async () => {
    const dir = caseDir("empty-run");
    const ledger = path.join(dir, "ledger.sqlite");
    writeFileSync(ledger, "");
    const result = await runLancer(run(ledger), { env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(applicationId(ledger)).toBe(LANCER_APPLICATION_ID);
    expect(tableNames(ledger)).toEqual(["attempts"]);
  });
});

describe("checkLedgerFile", () => {
  const dir = caseDir("unit");
  const check = (create: boolean) => ({
    flag: "--ledger",
    create,
    columns: readDb(realLedger, (db) =>
      (
        db.prepare("SELECT name FROM pragma_table_info('attempts')").all() as unknown as Array<{
          name: string;
        }>
      ).map((c) => c.name),
    ),
  });

  it("tells a missing file, an empty one and a ledger apart", () => {
    expect(checkLedgerFile(path.join(dir, "none.sqlite"), check(true))).toBe("missing");
    const empty = path.join(dir, "empty.sqlite");
    writeFileSync(empty, "");
    expect(checkLedgerFile(empty, check(true))).toBe("empty");
    expect(checkLedgerFile(realLedger, check(false))).toBe("ledger");
  });

  it("accepts an empty SQLite database, as another `lancer run` creating the file leaves it", () => {
    const file = path.join(dir, "fresh.sqlite");
    const db = new DatabaseSync(file);
    db.exec("PRAGMA journal_mode = WAL;");
    db.close();
    expect(checkLedgerFile(file, check(true))).toBe("empty");
    expect(() => checkLedgerFile(file, check(false))).toThrow(
      `--ledger: ${file} is an empty SQLite database, not a ledger yet`,
    );
  });

  it("checks a ledger another connection is writing (its -wal file exists)", () => {
    const file = path.join(dir, "busy.sqlite");
    const open = new SqliteLedger(file);
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(checkLedgerFile(file, check(false))).toBe("ledger");
    open.close();
  });

  it("refuses a Lancer-marked ledger whose table this version cannot use", () => {
    const file = path.join(dir, "future.sqlite");
    const db = new DatabaseSync(file);
    db.exec(
      `CREATE TABLE attempts (run_id TEXT); PRAGMA application_id = ${LANCER_APPLICATION_ID};`,
    );
    db.close();
    expect(() => checkLedgerFile(file, check(true))).toThrow(LedgerFileError);
    expect(() => checkLedgerFile(file, check(true))).toThrow(
      `--ledger: ${file} is a Lancer ledger whose attempts table this version cannot use (missing columns: agent,`,
    );
  });

  it("refuses a file that is not a regular file", () => {
    expect(() => checkLedgerFile("/dev/null", check(true))).toThrow(
      "--ledger: /dev/null is not a regular file; expected a ledger file (.sqlite)",
    );
  });

  it("is what `new SqliteLedger` throws, naming the default flag", () => {
    const file = path.join(dir, "notes.sqlite");
    makeForeignDb(file);
    expect(() => new SqliteLedger(file)).toThrow(
      `ledger: ${file} is a SQLite database of another program`,
    );
  });
});
