import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { relativePathProblem } from "../paths/contained-path.ts";

/** A file or folder of a task folder that is not what the bank format allows. */
export class TaskFolderError extends Error {
  override name = "TaskFolderError";
}

/**
 * Reads a file of a task folder (task.yaml, gold.patch, test.patch), or undefined when it is
 * absent. A symbolic link is refused, wherever it points: a task's files are its own, and a
 * link would let a task read (and quote in errors) a file elsewhere on the machine.
 */
export async function readTaskFolderFile(
  taskDir: string,
  name: string,
): Promise<string | undefined> {
  const file = path.join(taskDir, name);
  const info = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new TaskFolderError(`${file}: cannot be read: ${error.message}`);
  });
  if (!info) return undefined;
  if (info.isSymbolicLink())
    throw new TaskFolderError(`${file} is a symbolic link; a task's files must be regular files`);
  if (!info.isFile()) throw new TaskFolderError(`${file} is not a regular file`);
  return readFile(file, "utf8");
}

/**
 * Lists the files of a task's hidden/ folder as workspace-relative paths (`/`-separated).
 * Refuses the folder or any entry being a symbolic link or anything but a file or folder:
 * the overlay copies them into the workspace, where a link would reach outside the bank.
 */
export async function listHiddenFiles(hiddenDir: string): Promise<string[]> {
  const info = await lstat(hiddenDir).catch(() => undefined);
  if (!info) return [];
  if (info.isSymbolicLink())
    throw new TaskFolderError(`${hiddenDir} is a symbolic link; hidden/ must be a folder`);
  if (!info.isDirectory()) throw new TaskFolderError(`${hiddenDir} is not a folder`);
  const files: string[] = [];
  for (const entry of await readdir(hiddenDir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(hiddenDir, full).split(path.sep).join("/");
    if (entry.isSymbolicLink())
      throw new TaskFolderError(
        `hidden/${rel} (in ${path.dirname(hiddenDir)}) is a symbolic link; hidden files must be regular files`,
      );
    if (entry.isFile()) files.push(rel);
    else if (!entry.isDirectory())
      throw new TaskFolderError(
        `hidden/${rel} (in ${path.dirname(hiddenDir)}) is not a regular file`,
      );
  }
  return files;
}

/**
 * The file names of a unified diff's `---` / `+++` headers, as written (`a/x`, `/dev/null`).
 * Hunk bodies are skipped by their line counts, so a removed line that reads "-- x" is never
 * taken for a header.
 */
export function patchHeaderNames(patch: string): string[] {
  const names: string[] = [];
  const lines = patch.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      let [oldLeft, newLeft] = [Number(hunk[1] ?? 1), Number(hunk[2] ?? 1)];
      while ((oldLeft > 0 || newLeft > 0) && i + 1 < lines.length) {
        const body = lines[++i]!;
        if (body.startsWith("\\")) continue;
        if (body.startsWith("-")) oldLeft--;
        else if (body.startsWith("+")) newLeft--;
        else {
          oldLeft--;
          newLeft--;
        }
      }
      continue;
    }
    const header = /^(?:---|\+\+\+) (.+?)(?:\t.*)?$/.exec(line);
    if (header?.[1]) names.push(unquoteGitPath(header[1]));
  }
  return names;
}

/**
 * The paths of a git diff's extended headers (`rename from x`, `copy to y`): a pure rename
 * or copy has no `---` / `+++` lines, yet git applies it. Written without `a/` / `b/`.
 */
export function patchRenameNames(patch: string): string[] {
  const names: string[] = [];
  for (const match of patch.matchAll(/^(?:rename|copy) (?:from|to) (.+)$/gm))
    names.push(unquoteGitPath(match[1]!));
  return names;
}

/** A name as git writes it: plain, or in double quotes with C escapes (`"a/caf\303\251"`). */
export function unquoteGitPath(name: string): string {
  if (!name.startsWith('"') || !name.endsWith('"') || name.length < 2) return name;
  const bytes: number[] = [];
  const body = name.slice(1, -1);
  const simple: Record<string, number> = {
    n: 10,
    t: 9,
    '"': 34,
    "\\": 92,
    a: 7,
    b: 8,
    f: 12,
    r: 13,
    v: 11,
  };
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      const next = body[i + 1] ?? "";
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/**
 * Workspace paths a unified diff touches: its `---` / `+++` names without `a/` / `b/`, and
 * the names of its renames and copies.
 */
export function pathsInPatch(patch: string): string[] {
  const paths = patchHeaderNames(patch)
    .filter((name) => name !== "/dev/null")
    .map((name) => name.replace(/^[ab]\//, ""));
  return [...new Set([...paths, ...patchRenameNames(patch)])];
}

/**
 * Checks every path a diff writes stays inside the workspace it is applied to; `what`
 * names the diff (e.g. `.../test.patch`). Absolute names (`+++ /etc/x`) count too.
 */
export function checkPatchPaths(patch: string, what: string): void {
  for (const name of pathsInPatch(patch)) {
    const problem = relativePathProblem(name);
    if (problem) throw new TaskFolderError(`${what}: ${problem}`);
  }
}
