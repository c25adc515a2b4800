import { existsSync } from "node:fs";
import { parseEnv } from "node:util";
import { readSettingsFile } from "./settings-file.ts";

/** A .env file is a few settings; anything larger is not one. */
const MAX_DOTENV_BYTES = 1024 * 1024;

const ENTRY = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;
const QUOTES = new Set(['"', "'", "`"]);

/**
 * The first line of a .env text Node's lenient parser would silently drop or misread: a line
 * that is not `NAME=value`, a comment or blank, or a quoted value that is never closed.
 */
export function dotenvProblem(text: string): string | undefined {
  if (text.includes("\0")) return "is not a text file";
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n += 1) {
    const line = lines[n]!;
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const entry = ENTRY.exec(line);
    if (!entry) return `line ${n + 1}: expected NAME=value, a # comment or a blank line`;
    const value = entry[2]!;
    const quote = value[0];
    if (quote === undefined || !QUOTES.has(quote) || value.indexOf(quote, 1) !== -1) continue;
    // A quoted value may span lines; it must close on a later one.
    const closing = lines.findIndex((later, at) => at > n && later.includes(quote));
    if (closing === -1) return `line ${n + 1}: the quoted value of ${entry[1]} is never closed`;
    n = closing;
  }
  return undefined;
}

/**
 * Reads a .env file into `env` (variables already set win, as with Node's --env-file). A
 * missing file is skipped; a folder, an unreadable or malformed file throws, naming `flag`,
 * the file and the line.
 */
export function loadDotenv(
  file: string,
  env: NodeJS.ProcessEnv,
  fail: (message: string) => Error,
  flag = "--dotenv",
): void {
  if (!existsSync(file)) return;
  const read = readSettingsFile(file, "a settings file of NAME=value lines", {
    maxBytes: MAX_DOTENV_BYTES,
  });
  if ("problem" in read) throw fail(`${flag}: ${read.problem}`);
  const problem = dotenvProblem(read.text);
  if (problem) throw fail(`${flag}: ${file} ${problem}`);
  for (const [name, value] of Object.entries(parseEnv(read.text)))
    if (env[name] === undefined) env[name] = value;
}
