import { existsSync } from "node:fs";
import path from "node:path";
import * as core from "@actions/core";
import {
  errorDocument,
  parseGradeDocument,
  type GradeDocument,
} from "../core/grade/grade-document.ts";
import { BankError } from "../core/task/bank.ts";
import { mintInstallationToken } from "../github/app-token.ts";
import { redact } from "../github/git-auth.ts";
import {
  candidateRef,
  environmentPhase,
  expectTask,
  prepare,
  readResult,
  runGrade,
  type Candidate,
} from "./grade-phases.ts";
import {
  InputError,
  readInputs,
  requireInputs,
  SECRET_INPUTS,
  type ActionInputs,
} from "./inputs.ts";
import { checkFolderInput } from "./folder-inputs.ts";
import { openBankTask } from "./open-bank.ts";
import { reportGrade, setGradeOutputs } from "./report-grade.ts";
import { readRunnerEnv, workDir, type RunnerEnv } from "./runner-env.ts";
import { solve } from "./solve.ts";

/** Variables the runner may hold that the candidate's code must not inherit. */
const RUNNER_CREDENTIALS = [
  "GITHUB_TOKEN",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_URL",
];

/** The Action: reads its inputs, runs the mode, and fails the step with a clear message. */
export async function main(): Promise<void> {
  let secrets: string[] = [];
  try {
    const inputs = readInputs((name) => core.getInput(name));
    // performance.now() counts from process start: bench/action-start.ts reads this line.
    core.debug(`inputs parsed ${performance.now().toFixed(1)} ms after start`);
    secrets = SECRET_INPUTS.flatMap((name) => (inputs[name] ? [inputs[name]] : []));
    secrets.forEach((s) => core.setSecret(s));
    const env = readRunnerEnv();
    if (inputs.mode === "token") await mintToken(inputs, env);
    else if (inputs.mode === "solve") await solve(inputs, env);
    else await grade(inputs, env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    core.setFailed(redact(message, secrets));
  }
}

async function mintToken(inputs: ActionInputs, env: RunnerEnv): Promise<void> {
  requireInputs(inputs, ["app-id", "private-key"], "in mode 'token'");
  const repository = inputs.repository ?? env.repository;
  if (!repository) throw new InputError("input 'repository' is required in mode 'token'");
  const minted = await mintInstallationToken({
    apiUrl: env.apiUrl,
    appId: inputs["app-id"],
    privateKey: inputs["private-key"],
    installationId: inputs["installation-id"],
    repository,
    permissions: inputs.permissions,
  });
  core.setSecret(minted.token);
  core.setOutput("token", minted.token);
  core.info(
    `Minted a token for ${repository} (${Object.entries(inputs.permissions)
      .map(([k, v]) => `${k}:${v}`)
      .join(", ")}), valid until ${minted.expiresAt}.`,
  );
}

async function grade(inputs: ActionInputs, env: RunnerEnv): Promise<void> {
  requireInputs(inputs, ["task"], "in mode 'grade'");
  const taskId = inputs.task;
  const work = workDir(path.resolve(inputs["work-dir"] ?? path.join(env.runnerTemp, "lancer")));
  const candidate: Candidate = {
    dir: path.resolve(env.workspace, inputs.path),
    repository: inputs.repository ?? env.repository,
    sha: inputs.sha ?? env.pullRequest?.headSha ?? env.sha,
  };
  const phase = inputs.phase;
  checkFolderInput("path", candidate.dir);
  checkFolderInput("work-dir", work.root);
  core.info(`Lancer: task ${taskId}, phase ${phase}`);

  if (phase === "prepare" || phase === "all") {
    requireInputs(inputs, ["bank"], `in phase '${phase}'`);
    const prepared = await prepare({
      bank: inputs.bank,
      bankToken: inputs["bank-token"],
      taskId,
      candidate,
      env,
      work,
    });
    if (!prepared.ok) {
      if (phase === "all") return reportGrade(inputs, env, candidate, prepared.doc, undefined);
      setGradeOutputs(prepared.doc, work.result);
      core.setFailed(`Lancer: grading error: ${prepared.doc.detail}`);
      return;
    }
    core.info(`Prepared ${taskId} in ${work.taskDir(taskId)} (outside the candidate).`);
    const environment = prepared.environment;
    core.setOutput("environment-key", environment ? `lancer-env-${environment.key}` : "");
    core.setOutput("environment-path", environment?.path ?? "");
    if (environment)
      core.info(`Environment key lancer-env-${environment.key}, folder ${environment.path}.`);
    // SWE-Lancer IC tasks: the official image, for the workflow to pull (or load) before `run`.
    core.setOutput("image", prepared.bankTask.task.hidden.swe_lancer?.image ?? "");
    if (phase === "prepare") return;
    const priceCents = prepared.bankTask.task.price_cents;
    const doc = await runPhase(inputs, candidate, work, taskId);
    await reportGrade(inputs, env, candidate, doc, priceCents);
    return;
  }

  if (phase === "environment" || phase === "run") {
    const given = SECRET_INPUTS.filter((name) => inputs[name] !== undefined);
    if (given.length > 0)
      throw new InputError(
        given
          .map(
            (name) =>
              `input '${name}' must not be given to phase '${phase}': ${phase === "run" ? "the candidate's code runs there" : "the install's code runs there"} (give credentials to the prepare and report steps only)`,
          )
          .join("\n"),
      );
  }

  if (phase === "environment") {
    dropCredentials();
    const built = await environmentPhase({
      taskId,
      candidate,
      work,
      pathPrefix: [path.dirname(process.execPath)],
    });
    if (!built.ok) {
      setGradeOutputs(built.doc, work.result);
      core.setFailed(`Lancer: grading error: ${built.doc.detail}`);
      return;
    }
    const environment = built.environment;
    core.setOutput("environment-hit", String(environment?.hit ?? false));
    core.info(
      !environment
        ? `${taskId} has no environment to install.`
        : environment.hit
          ? `Environment ${environment.key} was in the cache: nothing installed.`
          : `Environment ${environment.key} installed in ${environment.installMs} ms, into ${environment.dir}.`,
    );
    return;
  }

  if (phase === "run") {
    const doc = await runPhase(inputs, candidate, work, taskId);
    if (doc.verdict === "error") core.setFailed(`Lancer: grading error: ${doc.detail}`);
    return;
  }

  // report
  requireInputs(inputs, ["bank"], "in phase 'report' (the price is read from the bank)");
  const doc = inputs.result
    ? expectTask(parseGradeDocument(inputs.result, "input 'result'"), taskId, "input 'result'")
    : existsSync(work.result)
      ? await readResult(work.result, taskId)
      : // The grading job ended before a run phase wrote anything (e.g. its checkout failed).
        errorDocument(
          taskId,
          "no grading result: input 'result' is empty and no run phase left one in work-dir (see the grading job's log)",
          candidateRef(candidate),
        );
  let priceCents: number | undefined;
  let reported = doc;
  try {
    const bankTask = await openBankTask({
      location: inputs.bank,
      taskId,
      token: inputs["bank-token"],
      serverUrl: env.serverUrl,
      baseDir: env.workspace,
      cloneDir: path.join(work.root, "report-bank"),
    });
    priceCents = bankTask.task.price_cents;
  } catch (error) {
    if (!(error instanceof BankError)) throw error;
    reported = errorDocument(taskId, `the price cannot be read: ${error.message}`, doc.candidate);
  }
  await reportGrade(inputs, env, candidate, reported, priceCents);
}

/** Grades with no credential left in this process's environment, then sets the outputs. */
async function runPhase(
  inputs: ActionInputs,
  candidate: Candidate,
  work: ReturnType<typeof workDir>,
  taskId: string,
): Promise<GradeDocument> {
  dropCredentials();
  const doc = await runGrade({
    taskId,
    candidate,
    baseSha: inputs["base-sha"],
    work,
    runs: inputs.runs ?? 3,
    timeoutMinutes: inputs["timeout-minutes"],
    pathPrefix: [path.dirname(process.execPath)],
  }).catch((error: unknown) =>
    errorDocument(taskId, `grader failed: ${(error as Error).message}`, candidateRef(candidate)),
  );
  if (doc.environment)
    core.info(
      `Environment ${doc.environment.key}: ${doc.environment.cache_hit ? "from the cache, nothing installed" : `installed (${doc.environment.install_ms} ms)`}${doc.environment.reinstalled ? `; ${doc.environment.reinstalled}` : ""}.`,
    );
  core.info(
    `Graded ${taskId}: ${doc.verdict} (${doc.reason})${doc.detail ? `: ${doc.detail}` : ""}`,
  );
  setGradeOutputs(doc, work.result);
  return doc;
}

/** Removes the inputs' credentials and the runner's tokens from this process's environment. */
function dropCredentials(): void {
  for (const name of [...SECRET_INPUTS.map(inputVariable), ...RUNNER_CREDENTIALS])
    delete process.env[name];
}

function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}
