import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { git } from "../git/git.ts";
import type { EnvironmentSpec } from "../task/schema.ts";
import type { SourceRepo } from "../workspace/source-repo.ts";
import { COMPILE_CACHE } from "./compile-cache.ts";
import { environmentKey } from "./environment-key.ts";
import type { Isolation } from "./isolation.ts";
import { runSetupCommands } from "./run-setup-commands.ts";

/** An installed environment in the cache: what the install added to the base tree. */
export interface Environment {
  key: string;
  /** cache/envs/<key>: env.json, install.log and outputs/. */
  dir: string;
  /** Paths the install created (e.g. `node_modules`), relative to the project root. */
  outputs: string[];
  /** Whether it was in the cache already. */
  hit: boolean;
  /** How long the install took when it was built. */
  installMs: number;
  /** Where its commands ran; build and tests of a grading run there too. */
  isolation: Isolation;
  /** Node's compile cache from the install, given to each grading's TMPDIR. */
  compileCache?: string;
}

export interface EnvironmentPlace {
  cacheDir: string;
  /** Folders put first on PATH (host only). */
  pathPrefix: readonly string[];
  isolation: Isolation;
}

interface EnvironmentRecord {
  key: string;
  commit: string;
  install: string[];
  image?: string;
  key_files: Record<string, string>;
  outputs: string[];
  /** Node's compile cache of the install is kept in `node-compile-cache/`. */
  compile_cache?: boolean;
  /** Tracked files the install changed; grading starts from their base content. */
  modified: string[];
  install_ms: number;
  created_at: string;
}

const building = new Map<string, Promise<Environment>>();

/** The folder of the environment with this key in a cache. */
export function environmentDir(cacheDir: string, key: string): string {
  return path.join(cacheDir, "envs", key);
}

/**
 * The installed environment of a task's base: from the cache when its key is there, else
 * built once (concurrent callers share one build) and published atomically. A failed install
 * throws an EnvironmentError with the step's log and leaves nothing in the cache, so a rerun
 * builds afresh.
 */
export async function ensureEnvironment(
  source: SourceRepo,
  spec: EnvironmentSpec,
  place: EnvironmentPlace,
): Promise<Environment> {
  const { key, keyFiles } = await environmentKey(source, spec, place.isolation);
  const dir = environmentDir(place.cacheDir, key);
  const cached = await readRecord(dir);
  if (cached) return fromRecord(dir, cached, true, place.isolation);
  let pending = building.get(dir);
  if (!pending) {
    pending = build(source, spec, dir, { key, keyFiles, ...place });
    pending.catch(() => undefined).finally(() => building.delete(dir));
    building.set(dir, pending);
  }
  return pending;
}

async function readRecord(dir: string): Promise<EnvironmentRecord | undefined> {
  const text = await readFile(path.join(dir, "env.json"), "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as EnvironmentRecord);
}

function fromRecord(
  dir: string,
  record: EnvironmentRecord,
  hit: boolean,
  isolation: Isolation,
): Environment {
  const { key, outputs, install_ms: installMs } = record;
  const compileCache = record.compile_cache ? path.join(dir, COMPILE_CACHE) : undefined;
  return {
    key,
    dir,
    outputs,
    hit,
    installMs,
    isolation,
    ...(compileCache ? { compileCache } : {}),
  };
}

async function build(
  source: SourceRepo,
  spec: EnvironmentSpec,
  dir: string,
  context: EnvironmentPlace & { key: string; keyFiles: Record<string, string> },
): Promise<Environment> {
  const staging = `${dir}.${randomUUID()}.tmp`;
  const tree = path.join(staging, "tree");
  const index = path.join(staging, "index");
  const gitEnv = { GIT_DIR: source.repo, GIT_WORK_TREE: tree, GIT_INDEX_FILE: index };
  await mkdir(tree, { recursive: true });
  try {
    await git(["read-tree", source.commit], { cwd: tree, env: gitEnv });
    await git(["checkout-index", "-a", "-f"], { cwd: tree, env: gitEnv });
    const installed = await runSetupCommands(spec.install, "install", {
      cwd: tree,
      spec,
      scratch: staging,
      cacheDir: context.cacheDir,
      pathPrefix: context.pathPrefix,
      isolation: context.isolation,
    });
    await writeFile(path.join(staging, "install.log"), installed.log);
    await warmNpm(tree, spec, { ...context, scratch: staging });
    const { outputs, modified } = await installOutputs(tree, gitEnv);
    await mkdir(path.join(staging, "outputs"));
    for (const output of outputs) {
      const target = path.join(staging, "outputs", output);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(path.join(tree, output), target);
    }
    const record: EnvironmentRecord = {
      key: context.key,
      commit: source.commit,
      install: spec.install,
      ...(context.isolation.kind === "container" ? { image: context.isolation.image } : {}),
      key_files: context.keyFiles,
      outputs,
      modified,
      install_ms: installed.durationMs,
      created_at: new Date().toISOString(),
    };
    // Node's compile cache from the install is kept (npm in tests starts warm with it); the
    // install's HOME and TMPDIR are not.
    const compileCache = await keepCompileCache(staging);
    if (compileCache) record.compile_cache = true;
    await Promise.all(
      [tree, index, path.join(staging, "home"), path.join(staging, "tmp")].map((p) =>
        rm(p, { recursive: true, force: true }),
      ),
    );
    await writeFile(path.join(staging, "env.json"), `${JSON.stringify(record, null, 2)}\n`);
    await mkdir(path.dirname(dir), { recursive: true });
    try {
      await rename(staging, dir);
    } catch (error) {
      // Another process published the same key first: theirs is as good as ours.
      if (!existsSync(path.join(dir, "env.json"))) throw error;
      await rm(staging, { recursive: true, force: true });
    }
    return fromRecord(dir, record, false, context.isolation);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Runs npm's `exec` and `run` code paths once (running nothing of the project) so that Node's
 * compile cache kept with the environment covers what `npx` and `npm test` load besides what
 * the install loaded. Only for npm projects; a failure only leaves the cache cooler.
 */
async function warmNpm(
  tree: string,
  spec: EnvironmentSpec,
  context: EnvironmentPlace & { scratch: string },
): Promise<void> {
  if (!existsSync(path.join(tree, "package.json"))) return;
  await runSetupCommands(["npm exec --call true && npm run --silent > /dev/null"], "build", {
    cwd: tree,
    spec: { ...spec, timeout_seconds: 60 },
    scratch: context.scratch,
    cacheDir: context.cacheDir,
    pathPrefix: context.pathPrefix,
    isolation: context.isolation,
  }).catch(() => undefined);
}

/** Moves the install's compile cache to the environment's top; true when there was one. */
async function keepCompileCache(staging: string): Promise<boolean> {
  try {
    await rename(path.join(staging, "tmp", COMPILE_CACHE), path.join(staging, COMPILE_CACHE));
    return true;
  } catch {
    return false;
  }
}

/**
 * What the install added (untracked and ignored paths, folders collapsed) and which tracked
 * files it changed, from git's view of the tree against the base index.
 */
async function installOutputs(
  tree: string,
  gitEnv: Record<string, string>,
): Promise<{ outputs: string[]; modified: string[] }> {
  const { stdout } = await git(
    ["status", "--porcelain=v1", "-z", "--ignored", "--untracked-files=normal", "--no-renames"],
    { cwd: tree, env: gitEnv },
  );
  const outputs: string[] = [];
  const modified: string[] = [];
  for (const entry of stdout.split("\0").filter((e) => e.length > 3)) {
    const status = entry.slice(0, 2);
    const file = entry.slice(3).replace(/\/$/, "");
    if (status === "??" || status === "!!") outputs.push(file);
    else modified.push(file);
  }
  return { outputs: outputs.sort(), modified: modified.sort() };
}
