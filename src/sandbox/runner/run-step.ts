import { randomUUID } from "node:crypto";
import { stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { cacheAction, isCacheAction } from "./cache-action.ts";
import { checkoutAction } from "./checkout-action.ts";
import { interpolate, tokenString, tokenStringMap } from "./expressions.ts";
import {
  actionFolder,
  inputVariable,
  loadJavaScriptAction,
  type JavaScriptAction,
} from "./javascript-action.ts";
import type { StepPlan } from "./job-plan.ts";
import { scopeOf, type JobState } from "./job-state.ts";
import { runStepProcess, type StepProcessResult } from "./step-process.ts";

/** How a step ended, before `continue-on-error` is applied. */
export interface StepRunResult {
  outcome: "success" | "failure";
  outputs: Record<string, string>;
  /** Log lines (not yet masked for lines the runner wrote itself). */
  lines: string[];
  /** The job's time ran out during this step. */
  jobTimedOut: boolean;
}

/** `actions/checkout@<any ref>` (any case), which the runner implements natively. */
export function isCheckout(uses: string): boolean {
  return /^actions\/checkout@/i.test(uses);
}

function minutes(value: string, key: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${key}: '${value}' is not a positive number`);
  return n;
}

/**
 * Runs one step whose `if:` passed: a `run:` script with bash or sh, `actions/checkout`,
 * `actions/cache/restore` or `actions/cache/save`, or a JavaScript action (local `./path` or
 * registered), with the step's `env` on top of the job's.
 */
export async function runStep(
  state: JobState,
  step: StepPlan,
  stepEnv: Record<string, string>,
): Promise<StepRunResult> {
  const lines: string[] = [];
  const failed = (message: string, jobTimedOut = false): StepRunResult => ({
    outcome: "failure",
    outputs: {},
    lines: [...lines, `##[error]${message}`],
    jobTimedOut,
  });
  const scope = scopeOf(state, stepEnv, step.id);
  const remaining = state.deadline - Date.now();
  if (remaining <= 0) return failed(jobTimeoutMessage(state), true);
  let timeoutMs = remaining;
  try {
    if (step.timeoutMinutes !== undefined) {
      const stepMs = minutes(tokenString(step.timeoutMinutes, scope), "timeout-minutes") * 60_000;
      timeoutMs = Math.min(timeoutMs, stepMs);
    }
  } catch (error) {
    return failed((error as Error).message);
  }
  const stepTimeoutWins = timeoutMs < remaining;

  let result: StepProcessResult;
  try {
    if (step.run !== undefined) {
      const prepared = await prepareRun(state, step, scope, lines);
      if ("error" in prepared) return failed(prepared.error);
      result = await runStepProcess(state.process, prepared.file, prepared.args, {
        cwd: prepared.cwd,
        env: { ...state.env, ...stepEnv, GITHUB_ACTION: step.id },
        timeoutMs,
      });
    } else if (step.uses !== undefined && isCheckout(step.uses)) {
      const inputs = tokenStringMap(step.with, scope);
      lines.push(`##[group]Run ${step.uses}`, ...withLines(inputs), "##[endgroup]");
      const checkout = await checkoutAction(state.sandbox, {
        inputs,
        repo: state.repo,
        ref: String(state.github.ref),
        sha: String(state.github.sha),
        workspace: state.process.workspace,
        defaultToken: state.token,
        home: state.dirs.home,
      });
      lines.push(...checkout.lines);
      if (checkout.error) return failed(checkout.error);
      return { outcome: "success", outputs: checkout.outputs, lines, jobTimedOut: false };
    } else if (step.uses !== undefined && isCacheAction(step.uses)) {
      const inputs = tokenStringMap(step.with, scope);
      lines.push(`##[group]Run ${step.uses}`, ...withLines(inputs), "##[endgroup]");
      const cache = await cacheAction(state, step.uses, inputs);
      lines.push(...cache.lines);
      if (cache.error) return { ...failed(cache.error), outputs: cache.outputs };
      return { outcome: "success", outputs: cache.outputs, lines, jobTimedOut: false };
    } else if (step.uses !== undefined) {
      const location = actionFolder(state.sandbox, step.uses, state.process.workspace);
      if ("error" in location) return failed(location.error);
      const action = await loadJavaScriptAction(location);
      if ("error" in action) return failed(action.error);
      const inputs = actionInputs(action, tokenStringMap(step.with, scope), (text) =>
        interpolate(text, scope),
      );
      lines.push(`##[group]Run ${step.uses}`, ...withLines(inputs), "##[endgroup]");
      for (const name of Object.keys(inputs))
        if (!action.inputs.some((i) => i.name === name))
          lines.push(
            `##[warning]Unexpected input(s) '${name}', valid inputs are declared in action.yml`,
          );
      result = await runStepProcess(state.process, process.execPath, [action.main], {
        cwd: state.process.workspace,
        env: {
          ...state.env,
          ...stepEnv,
          ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [inputVariable(k), v])),
          GITHUB_ACTION: step.id,
          GITHUB_ACTION_PATH: action.dir,
          ...(action.repository ? { GITHUB_ACTION_REPOSITORY: action.repository } : {}),
          ...(action.ref ? { GITHUB_ACTION_REF: action.ref } : {}),
        },
        timeoutMs,
      });
    } else {
      return failed("The step has neither `run` nor `uses`");
    }
  } catch (error) {
    return failed((error as Error).message);
  }

  lines.push(...result.lines);
  state.annotations.push(...result.annotations);
  if (result.summary.trim() !== "") state.summaries.push(state.process.masker.mask(result.summary));
  if (result.fileError) return failed(result.fileError);
  Object.assign(state.env, result.env);
  state.process.pathAdditions.unshift(...[...result.path].reverse());
  // As the runner does, outputs a failed step wrote are kept (it reads the files in a finally).
  const keepOutputs = (r: StepRunResult): StepRunResult => ({ ...r, outputs: result.outputs });
  if (result.timedOut) {
    if (!stepTimeoutWins) return keepOutputs(failed(jobTimeoutMessage(state), true));
    return keepOutputs(failed("The action has timed out."));
  }
  if (result.exitCode !== 0)
    return keepOutputs(failed(`Process completed with exit code ${result.exitCode}.`));
  return { outcome: "success", outputs: result.outputs, lines, jobTimedOut: false };
}

function jobTimeoutMessage(state: JobState): string {
  return `The job running on runner sandbox-runner has exceeded the maximum execution time of ${state.timeoutMinutes} minutes.`;
}

function withLines(inputs: Record<string, string>): string[] {
  const entries = Object.entries(inputs);
  return entries.length === 0 ? [] : ["with:", ...entries.map(([k, v]) => `  ${k}: ${v}`)];
}

/** The inputs an action gets: `with:` values, then the defaults of the inputs not given. */
function actionInputs(
  action: JavaScriptAction,
  given: Record<string, string>,
  evaluate: (text: string) => string,
): Record<string, string> {
  const inputs: Record<string, string> = { ...given };
  for (const input of action.inputs)
    if (!(input.name in inputs) && input.default !== undefined)
      inputs[input.name] = evaluate(input.default);
  return inputs;
}

/** Writes a `run:` script to RUNNER_TEMP and picks the shell and folder it runs with. */
async function prepareRun(
  state: JobState,
  step: StepPlan,
  scope: ReturnType<typeof scopeOf>,
  lines: string[],
): Promise<{ file: string; args: string[]; cwd: string } | { error: string }> {
  const script = tokenString(step.run!, scope);
  const shell = step.shell ?? state.plan.defaults.shell ?? "bash";
  const folder =
    step.workingDirectory !== undefined
      ? tokenString(step.workingDirectory, scope)
      : state.plan.defaults.workingDirectory;
  const cwd = path.resolve(state.process.workspace, folder ?? ".");
  const scriptFile = path.join(state.dirs.temp, `${randomUUID()}.sh`);
  await writeFile(scriptFile, script);
  const [file, args] =
    shell === "sh"
      ? ["sh", ["-e", scriptFile]]
      : ["bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile]];
  const scriptLines = script.replace(/\n$/, "").split("\n");
  lines.push(`##[group]Run ${scriptLines[0] ?? ""}`, ...scriptLines.slice(1));
  lines.push(`shell: ${file} ${args.slice(0, -1).join(" ")} {0}`.replace("  ", " "));
  const env = (scope.contexts.env ?? {}) as Record<string, string>;
  if (Object.keys(env).length > 0)
    lines.push("env:", ...Object.entries(env).map(([k, v]) => `  ${k}: ${v}`));
  lines.push("##[endgroup]");
  const isFolder = await stat(cwd).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isFolder)
    return {
      error: `An error occurred trying to start process '${file}' with working directory '${cwd}'. No such file or directory`,
    };
  return { file, args, cwd };
}
