import { lstat, realpath } from "node:fs/promises";
import path from "node:path";

/**
 * The one containment rule for every path that comes from a task file, an import row or a
 * flag and is meant to stay inside a root (workspace, task folder, bank, repo root):
 * relative, no NUL, and never climbing out with `..`. Returns why a path breaks the rule,
 * or undefined when it keeps it. Checked when a task is loaded; `resolveInside` checks
 * again, by real path, right before the path is used.
 */
export function relativePathProblem(value: string): string | undefined {
  if (value === "") return "expected a relative path, got an empty one";
  if (value.includes("\0")) return "contains a NUL byte";
  if (path.posix.isAbsolute(value) || path.win32.isAbsolute(value))
    return `"${value}" is absolute; expected a path relative to its folder`;
  const normal = path.posix.normalize(value.replaceAll("\\", "/"));
  if (normal === ".." || normal.startsWith("../"))
    return `"${value}" climbs out of its folder with ".."`;
  return undefined;
}

/**
 * Why a glob meant to match workspace paths can never match one (absolute, or a `..` part:
 * changed paths are always relative and never climb), or undefined when it can.
 */
export function workspaceGlobProblem(glob: string): string | undefined {
  if (glob.includes("\0")) return "contains a NUL byte";
  if (glob.startsWith("/") || path.win32.isAbsolute(glob))
    return `"${glob}" is absolute and can never match a workspace path; expected a relative glob`;
  if (glob.split(/[\\/]/).includes(".."))
    return `"${glob}" has a ".." part and can never match a workspace path`;
  return undefined;
}

/** A path that leaves the root it must stay in; `what` names where it came from. */
export class PathEscapeError extends Error {
  override name = "PathEscapeError";
}

/**
 * Resolves `relative` inside `root` and proves it stays there: lexically (the rule above)
 * and by real path, so that no symbolic link on the way (the file itself included) leads
 * outside. Returns the absolute path to use. `what` names the path in errors, e.g.
 * `hidden.test.results`.
 */
export async function resolveInside(root: string, relative: string, what: string): Promise<string> {
  const problem = relativePathProblem(relative);
  if (problem) throw new PathEscapeError(`${what}: ${problem}`);
  const full = path.resolve(root, relative);
  await assertRealPathInside(root, full, what);
  return full;
}

/**
 * Proves an absolute path lies inside `root` by real path: the deepest part of it that
 * exists is resolved through every symbolic link and must still be inside the root's real
 * path. A dangling symbolic link counts as leaving (its target could be created later).
 */
export async function assertRealPathInside(
  root: string,
  full: string,
  what: string,
): Promise<void> {
  const realRoot = await realpath(root);
  const lexical = path.resolve(full);
  const rootAbs = path.resolve(root);
  if (!isWithin(rootAbs, lexical)) throw new PathEscapeError(`${what}: ${full} is outside ${root}`);
  let existing = lexical;
  let rest = "";
  while (!(await lstat(existing).catch(() => undefined))) {
    rest = path.join(path.basename(existing), rest);
    existing = path.dirname(existing);
  }
  let real: string;
  try {
    real = await realpath(existing);
  } catch {
    throw new PathEscapeError(
      `${what}: ${path.relative(rootAbs, existing) || "."} is a symbolic link to a missing file`,
    );
  }
  if (!isWithin(realRoot, path.join(real, rest))) {
    throw new PathEscapeError(
      `${what}: ${path.relative(rootAbs, lexical) || "."} leads outside ${root} through a symbolic link (to ${real})`,
    );
  }
}

/** Whether `child` is `parent` or below it (both absolute and normalized). */
export function isWithin(parent: string, child: string): boolean {
  return (
    child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep)
  );
}
