import { randomUUID } from "node:crypto";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { runProcess } from "../../core/exec/run-process.ts";
import { parseKeyValueFile, readRunnerFile } from "./file-commands.ts";
import { processOutput, type Annotation, type Masker } from "./workflow-commands.ts";

/** What every process of a job shares: its folders, variables, PATH additions and masks. */
export interface JobProcessEnv {
  /** GITHUB_WORKSPACE */
  workspace: string;
  /** Where each step's runner files (GITHUB_OUTPUT, GITHUB_ENV, …) are created. */
  fileCommandsDir: string;
  /** GITHUB_* and RUNNER_* variables, HOME, CI. */
  variables: Record<string, string>;
  /** Folders added with GITHUB_PATH, latest first. */
  pathAdditions: string[];
  masker: Masker;
  /** Where a running step registers how to kill it (when its run is cancelled). */
  kills: Set<() => void>;
}

/** What one step process left behind. */
export interface StepProcessResult {
  exitCode: number | null;
  timedOut: boolean;
  outputs: Record<string, string>;
  /** Variables written to GITHUB_ENV (the job's later steps see them). */
  env: Record<string, string>;
  /** Folders written to GITHUB_PATH. */
  path: string[];
  summary: string;
  /** Log lines, workflow commands applied and secrets masked. */
  lines: string[];
  annotations: Annotation[];
  /** A runner file the step wrote in a form the runner refuses. */
  fileError?: string;
}

/**
 * Runs one step's program the way the runner does: with the job's variables, the step's `env`,
 * fresh GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY / GITHUB_STATE files,
 * stderr merged into stdout, in its own process group, killed at the timeout. Then reads
 * the runner files and the workflow commands of the output.
 */
export async function runStepProcess(
  job: JobProcessEnv,
  file: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number },
): Promise<StepProcessResult> {
  const id = randomUUID();
  const files = {
    GITHUB_OUTPUT: path.join(job.fileCommandsDir, `set_output_${id}`),
    GITHUB_ENV: path.join(job.fileCommandsDir, `set_env_${id}`),
    GITHUB_PATH: path.join(job.fileCommandsDir, `add_path_${id}`),
    GITHUB_STEP_SUMMARY: path.join(job.fileCommandsDir, `step_summary_${id}`),
    GITHUB_STATE: path.join(job.fileCommandsDir, `save_state_${id}`),
  };
  await Promise.all(Object.values(files).map((f) => writeFile(f, "")));
  const basePath = options.env.PATH ?? process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin";
  const env = {
    ...job.variables,
    ...options.env,
    ...files,
    PATH: [...job.pathAdditions, basePath].join(path.delimiter),
  };
  // bash, not sh: dash drops variables whose names are not identifiers, such as INPUT_APP-ID.
  // The shell notes its pid (the process group's, as runProcess detaches it) for a cancel,
  // then becomes the step's program with stderr merged into stdout, as the runner logs them.
  const pidFile = path.join(job.fileCommandsDir, `pid_${id}`);
  const kill = () => {
    void readFile(pidFile, "utf8")
      .then((pid) => process.kill(-Number(pid.trim()), "SIGKILL"))
      .catch(() => undefined);
  };
  job.kills.add(kill);
  const result = await runProcess(
    "bash",
    ["-c", 'echo $$ > "$0"; exec "$@" 2>&1', pidFile, file, ...args],
    { cwd: options.cwd, env, timeoutMs: Math.max(1, options.timeoutMs) },
  ).finally(() => job.kills.delete(kill));
  await rm(pidFile, { force: true });
  const output = processOutput(result.stdout + result.stderr, job.masker);
  const out: StepProcessResult = {
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    outputs: {},
    env: {},
    path: [],
    summary: await readRunnerFile(files.GITHUB_STEP_SUMMARY),
    lines: output.lines,
    annotations: output.annotations,
  };
  try {
    out.outputs = parseKeyValueFile(await readRunnerFile(files.GITHUB_OUTPUT), "GITHUB_OUTPUT");
    out.env = parseKeyValueFile(await readRunnerFile(files.GITHUB_ENV), "GITHUB_ENV");
  } catch (error) {
    out.fileError = (error as Error).message;
  }
  out.path = (await readRunnerFile(files.GITHUB_PATH))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return out;
}
