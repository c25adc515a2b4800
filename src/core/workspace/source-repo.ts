import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { git, gitOutput } from "../git/git.ts";
import { isRemoteLocation } from "../git/remote-location.ts";
import { resolveInside } from "../paths/contained-path.ts";
import type { BankTask } from "../task/bank.ts";
import { readTaskFolderFile } from "../task/task-folder-files.ts";
import { hashDir } from "./hash-dir.ts";

/** A repository on this machine holding a task's base commit. */
export interface SourceRepo {
  /** A bare repository in the cache. */
  repo: string;
  /** Full id of the base commit. */
  commit: string;
}

export class SourceError extends Error {
  override name = "SourceError";
}

const building = new Map<string, Promise<SourceRepo>>();

/**
 * Makes sure the task's base is available as a bare repository in the cache and returns it.
 * `dir` sources become one deterministic commit; `repo` sources are cloned once and reused.
 */
export function ensureSourceRepo(bankTask: BankTask, cacheDir: string): Promise<SourceRepo> {
  const source = bankTask.task.source;
  if (!source) throw new SourceError(`${bankTask.task.id}: the task has no source`);
  if ("external" in source) {
    throw new SourceError(`${bankTask.task.id}: the base of ${source.repo} is not available here`);
  }
  const basePatch = "base_patch" in source ? source.base_patch : undefined;
  const key =
    "dir" in source
      ? path.resolve(bankTask.dir, source.dir)
      : `${source.repo}@${source.commit}${basePatch ? `+${path.resolve(bankTask.dir, basePatch)}` : ""}`;
  let pending = building.get(key);
  if (!pending) {
    pending =
      "dir" in source
        ? resolveInside(bankTask.dir, source.dir, `${bankTask.dir}: source.dir`).then((dir) =>
            repoFromDir(dir, cacheDir),
          )
        : repoFromGit(resolveRepoLocation(source.repo, bankTask.dir), source.commit, cacheDir).then(
            (base) => (basePatch ? withBasePatch(base, bankTask.dir, basePatch) : base),
          );
    // Forget failures so that a later call can try again.
    pending.catch(() => building.delete(key));
    building.set(key, pending);
  }
  return pending;
}

function resolveRepoLocation(repo: string, taskDir: string): string {
  return isRemoteLocation(repo) ? repo : path.resolve(taskDir, repo);
}

async function repoFromDir(sourceDir: string, cacheDir: string): Promise<SourceRepo> {
  if (!existsSync(sourceDir)) throw new SourceError(`${sourceDir}: source folder is missing`);
  const final = path.join(cacheDir, "sources", `${await hashDir(sourceDir)}.git`);
  if (existsSync(final)) {
    return {
      repo: final,
      commit: await gitOutput(["rev-parse", "HEAD"], { cwd: final }),
    };
  }
  const staging = `${final}.${randomUUID()}.tmp`;
  await mkdir(staging, { recursive: true });
  try {
    await git(["init", "--bare", "-q", "-b", "main"], { cwd: staging });
    const env = { GIT_DIR: staging, GIT_WORK_TREE: sourceDir };
    await git(["add", "-A"], { cwd: sourceDir, env });
    const tree = await gitOutput(["write-tree"], { cwd: sourceDir, env });
    const commit = await gitOutput(["commit-tree", tree, "-m", "Base"], { cwd: staging });
    await git(["update-ref", "refs/heads/main", commit], { cwd: staging });
    await rm(path.join(staging, "index"), { force: true });
    await publish(staging, final);
    return { repo: final, commit };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function repoFromGit(
  location: string,
  commit: string,
  cacheDir: string,
): Promise<SourceRepo> {
  const name = createHash("sha256").update(location).digest("hex").slice(0, 24);
  const final = path.join(cacheDir, "repos", `${name}.git`);
  if (!existsSync(final)) {
    const staging = `${final}.${randomUUID()}.tmp`;
    await mkdir(path.dirname(staging), { recursive: true });
    try {
      await git(["clone", "--bare", "-q", "--", location, staging], {
        cwd: path.dirname(staging),
      });
      await publish(staging, final);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw new SourceError(`cannot clone ${location}: ${(error as Error).message}`);
    }
  }
  const full = await resolveCommit(final, commit);
  if (full) return { repo: final, commit: full };
  await git(["fetch", "-q", "origin", commit], { cwd: final, allowFailure: true });
  const fetched = await resolveCommit(final, commit);
  if (!fetched) throw new SourceError(`${location}: commit ${commit} not found`);
  return { repo: final, commit: fetched };
}

/**
 * The base made by applying the task's `base_patch` on top of its commit (SWE-Lancer: the
 * commit with the bug put back), as one commit kept under `refs/lancer/base/` of the cached
 * repository. A patch that does not apply is a SourceError naming the file.
 */
async function withBasePatch(base: SourceRepo, taskDir: string, name: string): Promise<SourceRepo> {
  const patch = await readTaskFolderFile(taskDir, name);
  if (patch === undefined) throw new SourceError(`${path.join(taskDir, name)}: missing`);
  const digest = createHash("sha256").update(`${base.commit}\n${patch}`).digest("hex");
  const ref = `refs/lancer/base/${digest.slice(0, 32)}`;
  const existing = await resolveCommit(base.repo, ref);
  if (existing) return { repo: base.repo, commit: existing };
  const scratch = await mkdtemp(path.join(os.tmpdir(), "lancer-base-"));
  try {
    // git's own fixed identity and dates: the same commit and patch give the same base.
    const env = { GIT_INDEX_FILE: path.join(scratch, "index") };
    await git(["read-tree", base.commit], { cwd: base.repo, env });
    const applied = await git(["apply", "--cached", "-"], {
      cwd: base.repo,
      env,
      input: patch,
      allowFailure: true,
    });
    if (applied.exitCode !== 0)
      throw new SourceError(
        `${path.join(taskDir, name)} does not apply to ${base.commit}: ${applied.stderr.trim()}`,
      );
    const tree = await gitOutput(["write-tree"], { cwd: base.repo, env });
    const message = `Base: ${base.commit.slice(0, 12)} with ${path.basename(name)}`;
    const commit = await gitOutput(["commit-tree", tree, "-p", base.commit, "-m", message], {
      cwd: base.repo,
      env,
    });
    await git(["update-ref", ref, commit], { cwd: base.repo });
    return { repo: base.repo, commit };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function resolveCommit(repo: string, commit: string): Promise<string | undefined> {
  const result = await git(["rev-parse", "--verify", "-q", `${commit}^{commit}`], {
    cwd: repo,
    allowFailure: true,
  });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** Moves a finished repository into place; a concurrent builder that won the race is kept. */
async function publish(staging: string, final: string): Promise<void> {
  try {
    await rename(staging, final);
  } catch (error) {
    if (!existsSync(final)) throw error;
    await rm(staging, { recursive: true, force: true });
  }
}
