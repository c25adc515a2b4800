import { lstat, readlink } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import { git } from "../git/git.ts";

export interface TamperFinding {
  path: string;
  why: string;
}

export interface TamperRules {
  /** Globs of test infrastructure a candidate must not touch. */
  protectedGlobs: readonly string[];
  /** Paths of the hidden files that will be overlaid (always protected). */
  hiddenPaths: readonly string[];
  /** Folders a candidate may change; empty means anywhere. */
  acceptableFolders: readonly string[];
}

/** Lists each changed path that touches protected paths or lies outside the acceptable folders. */
export function findTampering(changed: readonly string[], rules: TamperRules): TamperFinding[] {
  const isProtected = picomatch([...rules.protectedGlobs], { dot: true });
  const hidden = new Set(rules.hiddenPaths);
  const folders = rules.acceptableFolders
    .map((f) => f.replace(/^\.\/|\/+$/g, ""))
    .filter((f) => f !== "" && f !== ".");
  const findings: TamperFinding[] = [];
  for (const file of changed) {
    if (hidden.has(file)) findings.push({ path: file, why: "is a hidden test file" });
    else if (rules.hiddenPaths.some((h) => h.startsWith(`${file}/`))) {
      findings.push({ path: file, why: "replaces a folder that holds hidden test files" });
    } else if (rules.protectedGlobs.length > 0 && isProtected(file)) {
      findings.push({ path: file, why: "is protected test infrastructure" });
    } else if (folders.length > 0 && !folders.some((f) => file === f || file.startsWith(`${f}/`))) {
      findings.push({
        path: file,
        why: `is outside the acceptable folders (${folders.join(", ")})`,
      });
    }
  }
  return findings;
}

/**
 * Lists changed paths that are symbolic links pointing outside the workspace: through them,
 * the overlay of hidden tests or the tests themselves would reach files elsewhere.
 */
export async function findEscapingSymlinks(
  workspace: string,
  changed: readonly string[],
): Promise<TamperFinding[]> {
  const root = path.resolve(workspace);
  const findings: TamperFinding[] = [];
  for (const file of changed) {
    const full = path.join(root, file);
    const info = await lstat(full).catch(() => undefined);
    if (!info?.isSymbolicLink()) continue;
    const target = path.resolve(path.dirname(full), await readlink(full));
    if (target !== root && !target.startsWith(`${root}${path.sep}`)) {
      findings.push({ path: file, why: "is a symbolic link leaving the workspace" });
    }
  }
  return findings;
}

const protectedListings = new Map<string, Promise<string[]>>();

/**
 * The files of a base commit that protected globs cover (test files, runner configs): a
 * candidate may not change them in its patch, and its code must not change them while the
 * tests run either. Listed once per process for a commit and globs.
 */
export function protectedFilesAt(
  gitDir: string,
  commit: string,
  globs: readonly string[],
): Promise<string[]> {
  if (globs.length === 0) return Promise.resolve([]);
  const id = JSON.stringify([gitDir, commit, globs]);
  let pending = protectedListings.get(id);
  if (!pending) {
    const isProtected = picomatch([...globs], { dot: true });
    pending = git(["ls-tree", "-r", "-z", "--name-only", commit], { cwd: gitDir }).then(
      ({ stdout }) => stdout.split("\0").filter((name) => name !== "" && isProtected(name)),
    );
    pending.catch(() => protectedListings.delete(id));
    protectedListings.set(id, pending);
  }
  return pending;
}
