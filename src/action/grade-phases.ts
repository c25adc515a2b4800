import { existsSync } from "node:fs";
import { cp, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  environmentDir,
  ensureEnvironment,
  type Environment,
} from "../core/environment/build-environment.ts";
import { EnvironmentError } from "../core/environment/environment-error.ts";
import { environmentKey } from "../core/environment/environment-key.ts";
import { resolveIsolation } from "../core/environment/isolation.ts";
import { gradeIc } from "../core/grade/grade-ic.ts";
import {
  errorDocument,
  gradeDocument,
  parseGradeDocument,
  type GradeDocument,
} from "../core/grade/grade-document.ts";
import { patchFromDir } from "../core/grade/patch-from-dir.ts";
import { BankError, GOLD_PATCH, gradability, loadTask, type BankTask } from "../core/task/bank.ts";
import { ensureSourceRepo } from "../core/workspace/source-repo.ts";
import { git, gitOutput } from "../core/git/git.ts";
import { InputError, type BankLocation } from "./inputs.ts";
import { openBankTask } from "./open-bank.ts";
import { checkWorkDir } from "./folder-inputs.ts";
import type { RunnerEnv, WorkDir } from "./runner-env.ts";

export interface Candidate {
  /** The checked-out candidate tree. */
  dir: string;
  repository: string | undefined;
  sha: string | undefined;
}

export interface PrepareOptions {
  bank: BankLocation;
  bankToken: string | undefined;
  taskId: string;
  candidate: Candidate;
  env: RunnerEnv;
  work: WorkDir;
}

/**
 * Where a task's installed environment lives in the work folder, and its cache key: what an
 * `actions/cache` step restores before the environment phase and saves after it.
 */
export interface PreparedEnvironment {
  key: string;
  path: string;
}

/** Prepared, or the error document the later phases pass on (and that is already written). */
export type Prepared =
  | { ok: true; bankTask: BankTask; environment: PreparedEnvironment | undefined }
  | { ok: false; doc: GradeDocument };

/**
 * Fetches the task's hidden parts from the bank into the work folder, outside the candidate
 * tree, before any of the candidate's code has run. The gold patch is left behind. The work
 * folder is emptied first, so one holding the candidate or files of its own is refused
 * (checkWorkDir). A bank that cannot be read, an unknown task or one that cannot be graded
 * here gives an error document.
 */
export async function prepare(options: PrepareOptions): Promise<Prepared> {
  const { work, candidate } = options;
  checkWorkDir(work.root, candidate.dir);
  await rm(work.root, { recursive: true, force: true });
  await mkdir(work.root, { recursive: true });
  const fail = async (detail: string): Promise<Prepared> => {
    const doc = errorDocument(options.taskId, detail, candidateRef(candidate));
    await writeResult(work, doc);
    return { ok: false, doc };
  };
  let found: BankTask;
  try {
    found = await openBankTask({
      location: options.bank,
      taskId: options.taskId,
      token: options.bankToken,
      serverUrl: options.env.serverUrl,
      baseDir: options.env.workspace,
      cloneDir: work.bankClone,
    });
  } catch (error) {
    if (error instanceof BankError) return fail(error.message);
    throw error;
  }
  if (found.task.kind === "manager")
    return fail(
      `${options.taskId} is a manager task: it is graded from the proposal chosen (/select N), not from a pull request`,
    );
  const gradable = gradability(found.task);
  if (!gradable.gradable)
    return fail(`${options.taskId} cannot be graded here: ${gradable.reason}`);
  const target = work.taskDir(options.taskId);
  await cp(found.dir, target, {
    recursive: true,
    filter: (from) => path.relative(found.dir, from) !== GOLD_PATCH,
  });
  await rm(work.bankClone, { recursive: true, force: true });
  const bankTask = await loadTask(target);
  try {
    return { ok: true, bankTask, environment: await environmentPlace(bankTask, work) };
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    return failEnvironment(work, target, options.taskId, error, candidate);
  }
}

/** An environment that cannot be set up: the error document, and nothing left to grade. */
async function failEnvironment(
  work: WorkDir,
  taskDir: string,
  taskId: string,
  error: EnvironmentError,
  candidate: Candidate,
): Promise<{ ok: false; doc: GradeDocument }> {
  const ref = candidateRef(candidate);
  const doc = await writeResult(
    work,
    errorDocument(taskId, error.message, ref, new Date(), "environment"),
  );
  await rm(taskDir, { recursive: true, force: true });
  return { ok: false, doc };
}

/**
 * The cache key and folder of a task's environment, worked out from the base alone (no
 * install runs): the task's source repository is fetched into the work folder's cache and,
 * for an image, the image is looked up (pulled when missing). Undefined without an environment.
 */
async function environmentPlace(
  bankTask: BankTask,
  work: WorkDir,
): Promise<PreparedEnvironment | undefined> {
  const spec = bankTask.task.environment;
  if (!spec) return undefined;
  const source = await ensureSourceRepo(bankTask, work.cache);
  const isolation = await resolveIsolation(spec);
  const { key } = await environmentKey(source, spec, isolation);
  return { key, path: environmentDir(work.cache, key) };
}

export interface EnvironmentPhaseOptions {
  taskId: string;
  candidate: Candidate;
  work: WorkDir;
  /** Folders put first on the install's PATH. */
  pathPrefix: readonly string[];
}

/**
 * Installs the prepared task's environment into the work folder's cache, unless it is there
 * (restored by actions/cache, or built by an earlier grading in this job). Runs before any
 * of the candidate's code, so that what is saved to the cache afterwards holds only what the
 * task's base installed. A failed install writes an `error (environment)` result document,
 * which the run phase passes on; the task's hidden parts are removed, so nothing grades.
 */
export async function environmentPhase(
  options: EnvironmentPhaseOptions,
): Promise<{ ok: true; environment: Environment | undefined } | { ok: false; doc: GradeDocument }> {
  const { work, candidate } = options;
  const taskDir = work.taskDir(options.taskId);
  if (!existsSync(taskDir)) {
    return { ok: false, doc: await unprepared(work, options.taskId, candidate) };
  }
  const bankTask = await loadTask(taskDir);
  const spec = bankTask.task.environment;
  if (!spec) return { ok: true, environment: undefined };
  try {
    const source = await ensureSourceRepo(bankTask, work.cache);
    const environment = await ensureEnvironment(source, spec, {
      cacheDir: work.cache,
      pathPrefix: options.pathPrefix,
      isolation: await resolveIsolation(spec),
    });
    return { ok: true, environment };
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    return failEnvironment(work, taskDir, options.taskId, error, candidate);
  }
}

export interface RunOptions {
  taskId: string;
  candidate: Candidate;
  /**
   * Grade only what the candidate's history changed since this commit (its merge base with
   * it), for repositories that hold more than the task's source (workflows, docs). Without
   * it, the candidate tree is compared with the task's base.
   */
  baseSha: string | undefined;
  work: WorkDir;
  runs: number;
  timeoutMinutes: number | undefined;
  /** Folders put first on the tests' PATH. */
  pathPrefix: readonly string[];
}

/**
 * Grades the candidate with what prepare left: its diff from the task's base, the hidden tests,
 * `runs` runs. The candidate's code runs here. Writes and returns the result document.
 */
export async function runGrade(options: RunOptions): Promise<GradeDocument> {
  const { work, candidate, taskId } = options;
  const taskDir = work.taskDir(taskId);
  if (!existsSync(taskDir)) {
    return unprepared(work, taskId, candidate);
  }
  const bankTask = await loadTask(taskDir);
  const spec = bankTask.task.hidden.test!;
  if (options.timeoutMinutes !== undefined)
    spec.timeout_seconds = Math.min(spec.timeout_seconds, options.timeoutMinutes * 60);
  if (!existsSync(candidate.dir))
    return writeResult(
      work,
      errorDocument(
        taskId,
        `the candidate folder ${candidate.dir} does not exist`,
        candidateRef(candidate),
      ),
    );
  await mkdir(work.scratch, { recursive: true });
  let patch: string;
  try {
    patch = options.baseSha
      ? await patchSince(candidate.dir, options.baseSha)
      : await patchFromDir(
          await ensureSourceRepo(bankTask, work.cache),
          candidate.dir,
          work.scratch,
        );
  } catch (error) {
    return writeResult(
      work,
      errorDocument(
        taskId,
        `the candidate cannot be compared with the task's base: ${(error as Error).message}`,
        candidateRef(candidate),
      ),
    );
  }
  const grade = await gradeIc(bankTask, {
    patch,
    runs: options.runs,
    cacheDir: work.cache,
    workRoot: work.scratch,
    pathPrefix: options.pathPrefix,
  });
  return writeResult(work, gradeDocument(taskId, spec, grade, candidateRef(candidate)));
}

/**
 * The result when no prepared task is in the work folder: the error document an earlier phase
 * left (prepare or environment failed), passed on, or one saying prepare did not run.
 */
async function unprepared(
  work: WorkDir,
  taskId: string,
  candidate: Candidate,
): Promise<GradeDocument> {
  if (existsSync(work.result)) return readResult(work.result, taskId);
  return writeResult(
    work,
    errorDocument(
      taskId,
      `nothing prepared in ${work.root}: run phase 'prepare' for task ${taskId} first, in the same job`,
      candidateRef(candidate),
    ),
  );
}

export function candidateRef(candidate: Candidate): GradeDocument["candidate"] {
  return {
    ...(candidate.repository ? { repository: candidate.repository } : {}),
    ...(candidate.sha ? { sha: candidate.sha } : {}),
  };
}

async function writeResult(work: WorkDir, doc: GradeDocument): Promise<GradeDocument> {
  await mkdir(path.dirname(work.result), { recursive: true });
  await writeFile(`${work.result}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  await rename(`${work.result}.tmp`, work.result);
  return doc;
}

/** Reads a result document, checking it is one and is for the task expected. */
export async function readResult(file: string, taskId: string): Promise<GradeDocument> {
  const text = await readFile(file, "utf8").catch((error: Error) => {
    throw new InputError(`the result file ${file} cannot be read: ${error.message}`);
  });
  return expectTask(parseGradeDocument(text, file), taskId, file);
}

export function expectTask(doc: GradeDocument, taskId: string, where: string): GradeDocument {
  if (doc.task_id !== taskId)
    throw new InputError(`${where} is the result for task ${doc.task_id}, not for ${taskId}`);
  return doc;
}

/** What the candidate's checked-out commit changed since its merge base with `baseSha`. */
async function patchSince(dir: string, baseSha: string): Promise<string> {
  const known = await git(["cat-file", "-e", `${baseSha}^{commit}`], {
    cwd: dir,
    allowFailure: true,
  });
  if (known.exitCode !== 0)
    throw new Error(
      `the base commit ${baseSha} is not in the checkout at ${dir} (check out with fetch-depth: 0)`,
    );
  const patch = await gitOutput(["diff", "--binary", "--no-renames", `${baseSha}...HEAD`], {
    cwd: dir,
  });
  return patch === "" ? "" : `${patch}\n`;
}
