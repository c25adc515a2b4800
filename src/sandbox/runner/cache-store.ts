import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Sandbox } from "../sandbox.ts";
import type { Repo } from "../state/model.ts";

/**
 * The sandbox's Actions cache: immutable entries per repository, each a tar archive and its
 * key, version and creation time, under `<stateDir>/actions/caches/<repo id>/entries/`.
 *
 * An entry is made in a temporary folder beside `entries/` and renamed into place whole, so
 * a lookup sees a complete entry or none; the rename fails when the entry exists, so an
 * entry is never overwritten, even by two jobs saving the same key at once.
 *
 * Scope: GitHub also scopes entries to the branch that saved them (a run reads those of
 * its own ref, its pull request's base and the default branch). That is not modelled:
 * every run of a repository sees every entry of the repository.
 */

/** What a lookup tells of an entry. */
export interface CacheEntry {
  key: string;
  version: string;
  /** The ref of the run that saved it (kept for the log; not used to match). */
  scope: string;
  /** Milliseconds since the epoch, strictly increasing across the entries of this process. */
  createdAt: number;
  /** Size of the archive in bytes. */
  size: number;
  /** The archive's file. */
  archive: string;
}

const ENTRY_FILE = "entry.json";
const ARCHIVE_FILE = "cache.tgz";

/** Each sandbox start begins afresh (repository ids start over): its caches do too. */
const cleared = new WeakMap<Sandbox, Promise<void>>();
let lastStamp = 0;

function cachesRoot(sandbox: Sandbox): string {
  return path.join(sandbox.stateDir, "actions", "caches");
}

async function repoRoot(sandbox: Sandbox, repo: Repo): Promise<string> {
  let clearing = cleared.get(sandbox);
  if (!clearing) {
    clearing = rm(cachesRoot(sandbox), { recursive: true, force: true });
    cleared.set(sandbox, clearing);
  }
  await clearing;
  const root = path.join(cachesRoot(sandbox), String(repo.id));
  await mkdir(path.join(root, "entries"), { recursive: true });
  await mkdir(path.join(root, "tmp"), { recursive: true });
  return root;
}

/** The folder of the entry for a key and version (one entry per pair). */
function entryDir(root: string, key: string, version: string): string {
  const id = createHash("sha256").update(`${version}\n${key}`).digest("hex");
  return path.join(root, "entries", id);
}

async function readEntry(dir: string): Promise<CacheEntry | undefined> {
  try {
    const meta = JSON.parse(await readFile(path.join(dir, ENTRY_FILE), "utf8")) as Omit<
      CacheEntry,
      "archive"
    >;
    return { ...meta, archive: path.join(dir, ARCHIVE_FILE) };
  } catch {
    return undefined;
  }
}

/**
 * The entry a restore gets, as the cache service picks it among the entries of `version`:
 * the primary key exactly, else the newest entry whose key starts with the primary key,
 * else, for each restore key in order, the newest entry whose key starts with it.
 */
export async function findCacheEntry(
  sandbox: Sandbox,
  repo: Repo,
  keys: readonly string[],
  version: string,
): Promise<CacheEntry | undefined> {
  const root = await repoRoot(sandbox, repo);
  const names = await readdir(path.join(root, "entries"));
  const entries = (
    await Promise.all(names.map((name) => readEntry(path.join(root, "entries", name))))
  ).filter((e): e is CacheEntry => e !== undefined && e.version === version);
  const [primary, ...restoreKeys] = keys;
  if (primary === undefined) return undefined;
  const exact = entries.find((e) => e.key === primary);
  if (exact) return exact;
  for (const prefix of [primary, ...restoreKeys]) {
    const newest = entries
      .filter((e) => e.key.startsWith(prefix))
      .sort((a, b) => b.createdAt - a.createdAt)[0];
    if (newest) return newest;
  }
  return undefined;
}

/** The entry of exactly this key and version, if there is one. */
export async function existingCacheEntry(
  sandbox: Sandbox,
  repo: Repo,
  key: string,
  version: string,
): Promise<CacheEntry | undefined> {
  return readEntry(entryDir(await repoRoot(sandbox, repo), key, version));
}

/**
 * Adds an entry: `writeArchive` writes the archive to the file it is given (in a temporary
 * folder), then the entry is moved into place in one rename. Returns the new entry, or
 * undefined when an entry of this key and version exists already (it is left unchanged).
 */
export async function addCacheEntry(
  sandbox: Sandbox,
  repo: Repo,
  meta: { key: string; version: string; scope: string },
  writeArchive: (file: string) => Promise<void>,
): Promise<CacheEntry | undefined> {
  const root = await repoRoot(sandbox, repo);
  const temp = path.join(root, "tmp", randomUUID());
  await mkdir(temp);
  try {
    const archive = path.join(temp, ARCHIVE_FILE);
    await writeArchive(archive);
    const { size } = await stat(archive);
    lastStamp = Math.max(Date.now(), lastStamp + 1);
    const entry = { ...meta, createdAt: lastStamp, size };
    await writeFile(path.join(temp, ENTRY_FILE), `${JSON.stringify(entry, null, 2)}\n`);
    const target = entryDir(root, meta.key, meta.version);
    try {
      await rename(temp, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTEMPTY" || code === "EEXIST") return undefined;
      throw error;
    }
    return { ...entry, archive: path.join(target, ARCHIVE_FILE) };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
