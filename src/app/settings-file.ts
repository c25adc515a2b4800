import { readFileSync, statSync } from "node:fs";

/** A file's text, or the one-line reason it cannot be used (without the `NAME: ` prefix). */
export type FileText = { text: string } | { problem: string };

/**
 * Reads a small settings file (a PEM key, a .env file) named by `what`: a folder, a device, a
 * FIFO, a file above `maxBytes` or one that cannot be read is a named problem, never a raw
 * EISDIR or a read that never ends. `missing` is the text for a path that does not exist.
 */
export function readSettingsFile(
  file: string,
  what: string,
  options: { maxBytes: number; missing?: string },
): FileText {
  let info;
  try {
    info = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { problem: `${file} ${options.missing ?? "does not exist"}` };
    if (code === "ENOTDIR") return { problem: `${file} does not exist (a part of it is a file)` };
    return { problem: `${file} cannot be read (${code ?? (error as Error).message})` };
  }
  if (info.isDirectory()) return { problem: `${file} is a folder; expected ${what}` };
  if (!info.isFile()) return { problem: `${file} is not a regular file; expected ${what}` };
  if (info.size > options.maxBytes)
    return {
      problem: `${file} is ${info.size} bytes; expected ${what} (at most ${options.maxBytes})`,
    };
  try {
    return { text: readFileSync(file, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM" ? "permission denied" : (code ?? "unreadable");
    return { problem: `${file} cannot be read (${why})` };
  }
}
