import { lstat, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";

/** One part of Lancer's cache: a base repository or an installed environment. */
export interface CacheEntry {
  kind: "environment" | "source" | "repository" | "downloads";
  name: string;
  path: string;
  bytes: number;
  /** For environments: what was installed, and when. */
  install?: string[];
  created_at?: string;
}

const PARTS: Array<[CacheEntry["kind"], string]> = [
  ["environment", "envs"],
  ["source", "sources"],
  ["repository", "repos"],
  ["downloads", "downloads"],
];

/** Lists what the cache holds, with sizes (bytes on disk of every file, links not followed). */
export async function listCache(cacheDir: string): Promise<CacheEntry[]> {
  const entries: CacheEntry[] = [];
  for (const [kind, folder] of PARTS) {
    const names = await readdir(path.join(cacheDir, folder)).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.endsWith(".tmp")) continue;
      const full = path.join(cacheDir, folder, name);
      const entry: CacheEntry = { kind, name, path: full, bytes: await sizeOf(full) };
      if (kind === "environment") {
        const record = await readFile(path.join(full, "env.json"), "utf8")
          .then((text) => JSON.parse(text) as { install?: string[]; created_at?: string })
          .catch(() => undefined);
        if (record?.install) entry.install = record.install;
        if (record?.created_at) entry.created_at = record.created_at;
      }
      entries.push(entry);
    }
  }
  return entries;
}

/** Removes cache entries of the given kinds; returns what was removed. */
export async function pruneCache(
  cacheDir: string,
  kinds: ReadonlySet<CacheEntry["kind"]>,
): Promise<CacheEntry[]> {
  const removed = (await listCache(cacheDir)).filter((e) => kinds.has(e.kind));
  for (const entry of removed) await rm(entry.path, { recursive: true, force: true });
  return removed;
}

async function sizeOf(target: string): Promise<number> {
  const info = await lstat(target).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(target, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    const stat = await lstat(path.join(entry.parentPath, entry.name)).catch(() => undefined);
    total += stat?.size ?? 0;
  }
  return total;
}
