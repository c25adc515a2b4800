import { createHash, randomUUID } from "node:crypto";
import { lstat, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { addCacheEntry, existingCacheEntry, findCacheEntry } from "./cache-store.ts";
import type { BuiltinStepResult } from "./checkout-action.ts";
import type { JobState } from "./job-state.ts";

/**
 * `actions/cache/restore` and `actions/cache/save` (v4), natively, over the sandbox's cache
 * store (cache-store.ts). What they do, as the real actions and the cache service do:
 *
 * - An entry is found by key and *version*: a hash of the `path` input lines as written and
 *   of the compression, so a restore with other paths does not see it. One difference: the
 *   sandbox gives each job its own folder, so `${{ runner.temp }}` or `${{ github.workspace }}`
 *   are different absolute paths in each job, where GitHub's hosted runners always use the
 *   same ones. The job's folder is therefore replaced by a fixed name before hashing.
 * - The archive holds each path relative to GITHUB_WORKSPACE (`../../temp/x` for a path in
 *   RUNNER_TEMP) and is extracted from GITHUB_WORKSPACE. Every job has the same layout
 *   (`<job>/work/<repo>`, `<job>/temp`, `<job>/home`), so paths in RUNNER_TEMP and HOME land
 *   in the RUNNER_TEMP and HOME of the restoring job.
 * - The combined `actions/cache` needs a post step, which this runner does not run: it is
 *   refused with a message naming the two actions that work.
 *
 * Glob patterns (and `!` exclusions) in `path` are refused; plain files and folders work.
 */

/** The `uses:` this module answers: `actions/cache` and any of its sub-actions, at any ref. */
export function isCacheAction(uses: string): boolean {
  return /^actions\/cache(\/[^@]*)?@/i.test(uses);
}

const RESTORE_INPUTS = [
  "path",
  "key",
  "restore-keys",
  "enableCrossOsArchive",
  "fail-on-cache-miss",
  "lookup-only",
];
const SAVE_INPUTS = ["path", "key", "upload-chunk-size", "enableCrossOsArchive"];

/** The compression of the sandbox's archives (tar -z): part of the version, as on GitHub. */
const COMPRESSION = "gzip";
const VERSION_SALT = "1.0";
/** What stands for the job's own folder in the paths hashed into a version. */
const JOB_FOLDER = "/sandbox-runner/job";
const MAX_KEYS = 10;

/** Runs `actions/cache/restore` or `actions/cache/save`; refuses any other `actions/cache*`. */
export async function cacheAction(
  state: JobState,
  uses: string,
  inputs: Record<string, string>,
): Promise<BuiltinStepResult> {
  const name = uses.slice(0, uses.lastIndexOf("@")).toLowerCase().replace(/\/+$/, "");
  const known = name === "actions/cache/restore" ? RESTORE_INPUTS : SAVE_INPUTS;
  if (name !== "actions/cache/restore" && name !== "actions/cache/save") {
    const why =
      name === "actions/cache"
        ? `'${uses}' saves the cache in a post step, which the sandbox runner does not run`
        : `'${uses}' is not available in the sandbox`;
    return {
      lines: [],
      outputs: {},
      error: `${why}. Use actions/cache/restore and actions/cache/save (any ref), which the sandbox runner implements natively.`,
    };
  }
  const lines: string[] = [];
  for (const input of Object.keys(inputs))
    if (!known.includes(input))
      lines.push(
        `##[warning]Unexpected input(s) '${input}', valid inputs are [${known.map((k) => `'${k}'`).join(", ")}]`,
      );
  const paths = inputList(inputs.path);
  const pattern = paths.find((p) => p.startsWith("!") || /[*?[\]]/.test(p));
  if (pattern !== undefined)
    return {
      lines,
      outputs: {},
      error: `${name} input 'path': '${pattern}' is a glob pattern, which the sandbox runner does not support; list plain files and folders`,
    };
  return name === "actions/cache/restore"
    ? restore(state, inputs, paths, lines)
    : save(state, inputs, paths, lines);
}

/** A multi-line input as the actions read it: trimmed lines, blank ones dropped. */
function inputList(value: string | undefined): string[] {
  return (value ?? "")
    .split("\n")
    .map((line) => line.replace(/^!\s+/, "!").trim())
    .filter((line) => line !== "");
}

function inputBool(value: string | undefined): boolean {
  return (value ?? "").trim().toLowerCase() === "true";
}

/** The real action's key checks; a message when the key is refused. */
function keyProblem(key: string): string | undefined {
  if (key.length > 512) return `Key Validation Error: ${key} cannot be larger than 512 characters.`;
  if (key.includes(",")) return `Key Validation Error: ${key} cannot contain commas.`;
  return undefined;
}

/** An entry's version: the `path` lines (the job's folder made constant), compression, salt. */
export function cacheVersion(paths: readonly string[], jobDir: string): string {
  const components = paths.map((p) =>
    p === jobDir || p.startsWith(jobDir + path.sep) ? JOB_FOLDER + p.slice(jobDir.length) : p,
  );
  return createHash("sha256")
    .update([...components, COMPRESSION, VERSION_SALT].join("|"))
    .digest("hex");
}

function sizeLine(bytes: number): string {
  return `Cache Size: ~${Math.round(bytes / (1024 * 1024))} MB (${bytes} B)`;
}

/** Runs tar (killed if the run is cancelled); its output goes to the log. */
async function tar(
  state: JobState,
  args: string[],
  lines: string[],
): Promise<{ ok: true } | { ok: false; message: string }> {
  lines.push(`[command]tar ${args.join(" ")}`);
  const child = execa("tar", args, { reject: false, all: true, stdin: "ignore" });
  const kill = () => void child.kill("SIGKILL");
  state.process.kills.add(kill);
  try {
    const result = await child;
    const output = result.all.trim();
    if (output !== "") lines.push(...output.split("\n"));
    if (result.exitCode === 0) return { ok: true };
    return {
      ok: false,
      message: `Tar failed with error: The process 'tar' failed with exit code ${result.exitCode ?? result.signal}`,
    };
  } finally {
    state.process.kills.delete(kill);
  }
}

async function restore(
  state: JobState,
  inputs: Record<string, string>,
  paths: string[],
  lines: string[],
): Promise<BuiltinStepResult> {
  const outputs: Record<string, string> = {};
  const fail = (error: string): BuiltinStepResult => ({ lines, outputs, error });
  const key = (inputs.key ?? "").trim();
  if (key === "") return fail("Input required and not supplied: key");
  outputs["cache-primary-key"] = key;
  const restoreKeys = inputList(inputs["restore-keys"]);
  if (paths.length === 0) return fail("Input required and not supplied: path");
  const failOnMiss = inputBool(inputs["fail-on-cache-miss"]);
  const lookupOnly = inputBool(inputs["lookup-only"]);
  const keys = [key, ...restoreKeys];
  if (keys.length > MAX_KEYS)
    return fail(`Key Validation Error: Keys are limited to a maximum of ${MAX_KEYS}.`);
  for (const k of keys) {
    const problem = keyProblem(k);
    if (problem) return fail(problem);
  }
  const version = cacheVersion(paths, state.dirs.job);
  const entry = await findCacheEntry(state.sandbox, state.repo, keys, version);
  let matched: string | undefined;
  if (entry && lookupOnly) matched = entry.key;
  else if (entry) {
    lines.push(sizeLine(entry.size));
    const extracted = await tar(
      state,
      ["-z", "-xf", entry.archive, "-P", "-C", state.process.workspace],
      lines,
    );
    if (extracted.ok) {
      lines.push("Cache restored successfully");
      matched = entry.key;
    } else {
      // As the action does: a failed download or extraction is a warning and a miss.
      const message = `Failed to restore: ${extracted.message}`;
      lines.push(`##[warning]${message}`);
      state.annotations.push({ level: "warning", message });
    }
  }
  if (matched === undefined) {
    // v4 leaves `cache-hit` unset on a miss (it reads as ''), see actions/cache#1466.
    if (failOnMiss)
      return fail(
        `Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: ${key}`,
      );
    lines.push(`Cache not found for input keys: ${keys.join(", ")}`);
    return { lines, outputs };
  }
  outputs["cache-matched-key"] = matched;
  // The action compares keys ignoring case (but not accents).
  outputs["cache-hit"] = String(
    matched.localeCompare(key, undefined, { sensitivity: "accent" }) === 0,
  );
  lines.push(
    lookupOnly
      ? `Cache found and can be restored from key: ${matched}`
      : `Cache restored from key: ${matched}`,
  );
  return { lines, outputs };
}

/**
 * The save action never fails its step: every problem (no key, a bad key, no path that
 * exists, an entry that exists already, tar failing) is a warning and "Cache save failed.".
 */
async function save(
  state: JobState,
  inputs: Record<string, string>,
  paths: string[],
  lines: string[],
): Promise<BuiltinStepResult> {
  const notSaved = (message: string): BuiltinStepResult => {
    lines.push(`##[warning]${message}`, "##[warning]Cache save failed.");
    state.annotations.push({ level: "warning", message: "Cache save failed." });
    return { lines, outputs: {} };
  };
  const key = (inputs.key ?? "").trim();
  if (key === "") return notSaved("Key is not specified.");
  if (paths.length === 0) return notSaved("Input required and not supplied: path");
  const problem = keyProblem(key);
  if (problem) return notSaved(problem);

  const workspace = state.process.workspace;
  const home = state.dirs.home;
  const members: string[] = [];
  for (const p of paths) {
    const expanded = p === "~" ? home : p.startsWith("~/") ? path.join(home, p.slice(2)) : p;
    const absolute = path.resolve(workspace, expanded);
    const exists = await lstat(absolute).then(
      () => true,
      () => false,
    );
    const member = path.relative(workspace, absolute) || ".";
    if (exists && !members.includes(member)) members.push(member);
  }
  if (members.length === 0)
    return notSaved(
      "Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.",
    );

  const version = cacheVersion(paths, state.dirs.job);
  const scope = String(state.github.ref);
  const exists = () =>
    notSaved(
      `Failed to save: Unable to reserve cache with key ${key}, another job may be creating this cache. More details: Cache already exists. Scope: ${scope}, Key: ${key}, Version: ${version}`,
    );
  const { sandbox, repo } = state;
  if (await existingCacheEntry(sandbox, repo, key, version)) return exists();
  const manifest = path.join(state.dirs.temp, `cache-manifest-${randomUUID()}.txt`);
  let entry;
  try {
    await writeFile(manifest, `${members.join("\n")}\n`);
    entry = await addCacheEntry(sandbox, repo, { key, version, scope }, async (archive) => {
      const created = await tar(
        state,
        [
          "--posix",
          "-z",
          "-cf",
          archive,
          "-P",
          "-C",
          workspace,
          "--verbatim-files-from",
          "--files-from",
          manifest,
        ],
        lines,
      );
      if (!created.ok) throw new Error(created.message);
    });
  } catch (error) {
    return notSaved(`Failed to save: ${(error as Error).message}`);
  } finally {
    await rm(manifest, { force: true });
  }
  if (!entry) return exists();
  lines.push(sizeLine(entry.size), "Cache saved successfully", `Cache saved with key: ${key}`);
  return { lines, outputs: {} };
}
