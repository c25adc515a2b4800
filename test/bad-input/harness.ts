import { createHash } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { expect } from "vitest";

/**
 * A picture of a folder tree: every entry's kind, mode, size and content hash (or link
 * target). Two pictures are equal exactly when nothing was created, changed or removed.
 */
export function snapshotTree(root: string): Record<string, string> {
  const picture: Record<string, string> = {};
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      const full = path.join(dir, name);
      const rel = path.relative(root, full);
      const info = lstatSync(full);
      if (info.isSymbolicLink()) picture[rel] = `link -> ${readlinkSync(full)}`;
      else if (info.isDirectory()) {
        picture[rel] = `dir ${(info.mode & 0o7777).toString(8)}`;
        walk(full);
      } else {
        const hash = createHash("sha256").update(readFileSync(full)).digest("hex").slice(0, 16);
        picture[rel] = `file ${(info.mode & 0o7777).toString(8)} ${info.size} ${hash}`;
      }
    }
  };
  walk(root);
  return picture;
}

/** Asserts that a folder tree is exactly as pictured before (nothing created, changed, removed). */
export function expectTreeUnchanged(root: string, before: Record<string, string>): void {
  expect(snapshotTree(root), `${root} changed`).toEqual(before);
}

/**
 * Sentinel files outside every root a test hands to Lancer: a path attack that reaches them
 * would remove or change them. `check()` asserts they are exactly as written.
 */
export function makeSentinels(dir: string): { dir: string; file: string; check(): void } {
  mkdirSync(path.join(dir, "inner"), { recursive: true });
  const file = path.join(dir, "sentinel.txt");
  writeFileSync(file, "sentinel: must never be read into a task, changed or removed\n");
  writeFileSync(path.join(dir, "inner", "results.xml"), "<testsuites/>\n");
  const before = snapshotTree(dir);
  return { dir, file, check: () => expectTreeUnchanged(dir, before) };
}

/**
 * Asserts a refusal a person can read: the message names the culprit, and no stack trace
 * (lines like "    at fn (file:1:2)") is printed.
 */
export function expectNamedError(stderr: string, ...culprits: (string | RegExp)[]): void {
  for (const culprit of culprits) {
    if (typeof culprit === "string") expect(stderr).toContain(culprit);
    else expect(stderr).toMatch(culprit);
  }
  expect(stderr).not.toMatch(/^\s+at .+[:(].*\d+:\d+\)?$/m);
}
