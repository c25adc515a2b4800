import { closeSync, existsSync, openSync, readSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { pathToFileURL } from "node:url";

/** A ledger file Lancer refuses to open; the message is one line naming the flag and the file. */
export class LedgerFileError extends Error {
  override name = "LedgerFileError";
}

/**
 * Lancer's mark in a ledger's SQLite header (`PRAGMA application_id`): the ASCII of "LNCR".
 * It tells a Lancer ledger from another program's database before anything is written to it.
 */
export const LANCER_APPLICATION_ID = 0x4c4e4352;

/** How to check a ledger file. */
export interface LedgerFileCheck {
  /** What the user passed the path as (e.g. `--ledger`); every message starts with it. */
  flag: string;
  /** Whether a missing or empty file may become a new ledger (`run`), or must already be one (`report`). */
  create: boolean;
  /** The columns of Lancer's `attempts` table, in order. */
  columns: readonly string[];
  /** Trailing columns a ledger made by an older version lacks (added when it is opened). */
  addedColumns?: readonly string[];
}

/**
 * What a checked ledger path holds: nothing yet (`missing`: create its folder and the file),
 * an empty file or empty SQLite database (`empty`), or a Lancer ledger (`ledger`, possibly one
 * made before ledgers carried Lancer's application_id).
 */
export type LedgerFileState = "missing" | "empty" | "ledger";

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");
const SQLITE_HEADER_BYTES = 100;
const NOT_YET = "run `lancer run` first or pass the ledger's path";

/**
 * Checks that `file` can be opened as a Lancer ledger without damaging anything, reading it
 * only (no folder, file or -wal/-shm file is created). Throws a LedgerFileError otherwise.
 */
export function checkLedgerFile(file: string, check: LedgerFileCheck): LedgerFileState {
  const refuse = (problem: string): LedgerFileError =>
    new LedgerFileError(`${check.flag}: ${file} ${problem}`);
  const info = statPath(file, check.flag);
  if (info === undefined) {
    if (!check.create) throw refuse(`does not exist (no ledger here); ${NOT_YET}`);
    return "missing";
  }
  if (info.isDirectory()) throw refuse("is a folder; expected a ledger file (.sqlite)");
  if (!info.isFile()) throw refuse("is not a regular file; expected a ledger file (.sqlite)");
  // `touch ledger.sqlite` makes an empty file, and SQLite itself treats one as an empty
  // database: it holds nothing to damage, so `run` may make it a ledger.
  if (info.size === 0) {
    if (!check.create) throw refuse(`is an empty file, not a ledger yet; ${NOT_YET}`);
    return "empty";
  }
  const header = readHeader(file, check.flag);
  if (!header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC))
    throw refuse(
      `is not a SQLite database (it starts with "${describeStart(header, info.size)}"); expected a Lancer ledger`,
    );
  if (info.size < SQLITE_HEADER_BYTES)
    throw refuse(
      `is a damaged SQLite database: it has ${info.size} bytes, fewer than SQLite's ${SQLITE_HEADER_BYTES}-byte header`,
    );
  return inspectDatabase(file, check, refuse);
}

/** The file's stats, or undefined when it does not exist; refuses a path through a file or an unreadable one. */
function statPath(file: string, flag: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") {
      const blocker = fileAncestor(file);
      if (blocker !== undefined)
        throw new LedgerFileError(`${flag}: ${file}: ${blocker} is a file, not a folder`);
      return undefined;
    }
    throw new LedgerFileError(
      `${flag}: ${file} cannot be read (${describeCode(code, error)}); expected a readable ledger file`,
    );
  }
}

/** The nearest existing ancestor of `file` when it is not a folder (the path goes through a file). */
function fileAncestor(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      return statSync(dir).isDirectory() ? undefined : dir;
    } catch {
      if (path.dirname(dir) === dir) return undefined;
    }
  }
}

function readHeader(file: string, flag: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new LedgerFileError(
      `${flag}: ${file} cannot be read (${describeCode(errorCode(error), error)}); expected a readable ledger file`,
    );
  }
  try {
    const header = Buffer.alloc(SQLITE_HEADER_BYTES);
    const read = readSync(fd, header, 0, header.length, 0);
    return header.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The first bytes of a file as readable text: its first line, at most 20 bytes, escaped. */
function describeStart(header: Buffer, size: number): string {
  let end = Math.min(header.length, 20);
  const newline = header.subarray(0, end).findIndex((b) => b === 0x0a || b === 0x0d);
  if (newline > 0) end = newline;
  let text = "";
  for (const byte of header.subarray(0, end)) {
    if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else if (byte === 0x0a) text += "\\n";
    else if (byte === 0x0d) text += "\\r";
    else if (byte === 0x09) text += "\\t";
    else text += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return end < size ? `${text}…` : text;
}

interface SchemaObject {
  name: string;
  type: string;
}

/** Classifies a file with a SQLite header by reading it through SQLite, read-only. */
function inspectDatabase(
  file: string,
  check: LedgerFileCheck,
  refuse: (problem: string) => LedgerFileError,
): LedgerFileState {
  let db: DatabaseSync;
  try {
    db = openForReading(file);
  } catch (error) {
    throw refuse(`is a damaged SQLite database: ${oneLine(error)}`);
  }
  try {
    let applicationId: number;
    let objects: SchemaObject[];
    let columns: string[];
    try {
      db.exec("PRAGMA busy_timeout = 10000;");
      [applicationId, objects, columns] = whileLocked(() => [
        (db.prepare("PRAGMA application_id").get() as { application_id: number }).application_id,
        db
          .prepare("SELECT name, type FROM sqlite_schema WHERE name NOT GLOB 'sqlite_*'")
          .all() as unknown as SchemaObject[],
        (
          db.prepare("SELECT name FROM pragma_table_info('attempts')").all() as unknown as Array<{
            name: string;
          }>
        ).map((c) => c.name),
      ]);
    } catch (error) {
      throw unreadable(error, refuse);
    }
    const state = classify(applicationId, objects, columns, check, refuse);
    let problems: string | undefined;
    try {
      problems = quickCheck(db);
    } catch (error) {
      throw unreadable(error, refuse);
    }
    if (problems !== undefined) throw refuse(`is a damaged SQLite database: ${problems}`);
    return state;
  } finally {
    db.close();
  }
}

/** Why SQLite could not read a file with a SQLite header: damage, or another process's lock. */
function unreadable(error: unknown, refuse: (problem: string) => LedgerFileError): LedgerFileError {
  if (isLocked(error)) return refuse(`cannot be read now: ${oneLine(error)}; try again`);
  return refuse(`is a damaged SQLite database: ${oneLine(error)}`);
}

function isLocked(error: unknown): boolean {
  return /locked|busy/i.test(String(error));
}

/**
 * Runs a read, again while another process holds a lock SQLite does not wait for (a new
 * file switching to WAL), as SqliteLedger does when it switches itself.
 */
function whileLocked<T>(read: () => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return read();
    } catch (error) {
      if (attempt >= 100 || !isLocked(error)) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Opens a database read-only without leaving anything beside it. A read-only connection to a
 * WAL database creates -wal and -shm files that it cannot remove, so when no other connection
 * has them (no -wal file) the file is read as immutable (no locks, no side files). When a
 * -wal or -journal file exists, another connection may be writing: read through it normally.
 */
function openForReading(file: string): DatabaseSync {
  const url = pathToFileURL(path.resolve(file));
  const inUse = existsSync(`${file}-wal`) || existsSync(`${file}-journal`);
  url.search = inUse ? "?mode=ro" : "?mode=ro&immutable=1";
  return new DatabaseSync(url, { readOnly: true });
}

function classify(
  applicationId: number,
  objects: readonly SchemaObject[],
  columns: readonly string[],
  check: LedgerFileCheck,
  refuse: (problem: string) => LedgerFileError,
): LedgerFileState {
  const hasAttempts = objects.some((o) => o.type === "table" && o.name === "attempts");
  // An older ledger lacks the trailing columns added since; they are added when it is opened.
  const older = check.columns.filter((c) => !(check.addedColumns ?? []).includes(c));
  const columnProblem =
    hasAttempts && compareColumns(columns, older) !== undefined
      ? compareColumns(columns, check.columns)
      : undefined;
  if (applicationId === LANCER_APPLICATION_ID) {
    if (columnProblem !== undefined)
      throw refuse(
        `is a Lancer ledger whose attempts table this version cannot use (${columnProblem}); nothing was changed`,
      );
    return "ledger";
  }
  if (applicationId === 0 && objects.length === 0) {
    // An empty SQLite database, e.g. a ledger another `lancer run` is creating right now.
    if (!check.create) throw refuse(`is an empty SQLite database, not a ledger yet; ${NOT_YET}`);
    return "empty";
  }
  // Ledgers made before Lancer set its application_id: Lancer's table and nothing else.
  if (applicationId === 0 && hasAttempts && objects.length === 1) {
    if (columnProblem !== undefined)
      throw refuse(
        `has an attempts table that is not Lancer's (${columnProblem}); expected a Lancer ledger; nothing was changed`,
      );
    return "ledger";
  }
  const hex = `0x${(applicationId >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
  const names = objects.filter((o) => o.type === "table" || o.type === "view").map((o) => o.name);
  const listed = names.length > 10 ? [...names.slice(0, 10), "…"] : names;
  throw refuse(
    `is a SQLite database of another program (application_id ${hex}, tables: ${listed.join(", ") || "none"}), not a Lancer ledger; nothing was changed`,
  );
}

/** How a table's columns differ from the expected ones, or undefined when they are the same. */
function compareColumns(
  actual: readonly string[],
  expected: readonly string[],
): string | undefined {
  if (actual.join("\0") === expected.join("\0")) return undefined;
  const missing = expected.filter((c) => !actual.includes(c));
  const extra = actual.filter((c) => !expected.includes(c));
  const parts = [
    ...(missing.length > 0 ? [`missing columns: ${missing.join(", ")}`] : []),
    ...(extra.length > 0 ? [`other columns: ${extra.join(", ")}`] : []),
  ];
  return parts.length > 0 ? parts.join("; ") : `columns in another order: ${actual.join(", ")}`;
}

/**
 * SQLite's own damage report (`PRAGMA quick_check`), as one line, or undefined when sound.
 * Throws what SQLite throws (a page it cannot read at all).
 */
function quickCheck(db: DatabaseSync): string | undefined {
  const lines = whileLocked(
    () => db.prepare("PRAGMA quick_check(4)").all() as unknown as Array<{ quick_check: string }>,
  )
    .flatMap((row) => row.quick_check.split("\n"))
    .filter((line) => line !== "" && !line.startsWith("***"));
  return lines.length === 1 && lines[0] === "ok" ? undefined : lines.join("; ");
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

function describeCode(code: string | undefined, error: unknown): string {
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return code ?? oneLine(error);
}

/** An error's message on one line. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, "; ").trim();
}
