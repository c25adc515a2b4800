import { lstat, realpath } from "node:fs/promises";
import path from "node:path";

/** A path the model asked for that must not be used; the message goes back to the model. */
export class PathError extends Error {
  override name = "PathError";
}

/**
 * The deepest existing ancestor of `target` (itself included), resolved through symlinks.
 * A dangling symlink on the way is refused: writing through it would create its target,
 * wherever that is.
 */
async function realAncestor(target: string, requested: string): Promise<string> {
  let current = target;
  for (;;) {
    try {
      return await realpath(current);
    } catch (error) {
      const parent = path.dirname(current);
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || parent === current) throw error;
      const link = await lstat(current).catch(() => undefined);
      if (link?.isSymbolicLink())
        throw new PathError(`${requested}: goes through a symbolic link that leads nowhere`);
      current = parent;
    }
  }
}

function inside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/**
 * Resolves a path the model gave, relative to the workspace root, and refuses anything that
 * leaves the workspace: absolute paths, `..` above the root, symbolic links pointing outside,
 * and the `.git` folder. Returns the absolute path and the path relative to the root.
 */
export async function resolveInWorkspace(
  root: string,
  requested: string,
): Promise<{ absolute: string; relative: string }> {
  if (typeof requested !== "string" || requested.trim() === "")
    throw new PathError("path: expected a non-empty path relative to the repository root");
  if (path.isAbsolute(requested))
    throw new PathError(`${requested}: use a path relative to the repository root`);
  const absolute = path.resolve(root, requested);
  const relative = path.relative(root, absolute);
  if (!inside(root, absolute))
    throw new PathError(`${requested}: outside the repository (paths must stay inside it)`);
  if (relative.split(path.sep)[0] === ".git")
    throw new PathError(`${requested}: the .git folder is off limits`);
  const realRoot = await realpath(root);
  const real = await realAncestor(absolute, requested);
  if (!inside(realRoot, real))
    throw new PathError(`${requested}: leads outside the repository through a symbolic link`);
  return { absolute, relative: relative === "" ? "." : relative };
}
