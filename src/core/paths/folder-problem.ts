import { statSync } from "node:fs";
import path from "node:path";

/** Why `dir` is not an existing folder, or undefined when it is one. */
export function existingFolderProblem(dir: string): string | undefined {
  const info = statSync(dir, { throwIfNoEntry: false });
  if (!info) return `${dir} does not exist; expected an existing folder`;
  if (!info.isDirectory()) return `${dir} is a file; expected a folder`;
  return undefined;
}

/**
 * Why `dir` can neither be used nor created as a folder, or undefined when it can: it is a
 * folder already, or the nearest part of it that exists is a folder (so `mkdir -p` would
 * work). Nothing is created here.
 */
export function creatableFolderProblem(dir: string): string | undefined {
  let existing = path.resolve(dir);
  while (!statSync(existing, { throwIfNoEntry: false })) existing = path.dirname(existing);
  if (statSync(existing).isDirectory()) return undefined;
  return existing === path.resolve(dir)
    ? `${dir} is a file; expected a folder`
    : `${dir} cannot be made: ${existing} is a file, not a folder`;
}
