import { readFile } from "node:fs/promises";

/**
 * Reads a runner key-value file (GITHUB_OUTPUT, GITHUB_ENV) as the runner does: `name=value`
 * lines and `name<<DELIMITER` blocks whose value is every line up to the delimiter line.
 * A block without its closing delimiter is an error, as on GitHub.
 */
export function parseKeyValueFile(text: string, fileName: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === "") throw new Error(`Invalid format in ${fileName}: '${line}'`);
      out[name] = line.slice(equals + 1);
      continue;
    }
    if (heredoc > 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (delimiter === "") throw new Error(`Invalid format in ${fileName}: '${line}'`);
      const value: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i]!);
      }
      if (!closed)
        throw new Error(
          `Matching delimiter not found '${delimiter}' in ${fileName} for the value of '${name}'`,
        );
      out[name] = value.join("\n");
      continue;
    }
    throw new Error(`Invalid format in ${fileName}: '${line}'`);
  }
  return out;
}

/** A runner file's text, or "" when the step did not write it. */
export async function readRunnerFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return "";
  }
}
