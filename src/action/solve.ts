import os from "node:os";
import path from "node:path";
import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import { createAgent } from "../agent/create-agent.ts";
import { renderTrajectoryMarkdown, type OpenAiAgentOptions } from "../agent/openai/index.ts";
import { solveIssue } from "../github/solve-issue.ts";
import { InputError, requireInputs, type ActionInputs } from "./inputs.ts";
import type { RunnerEnv } from "./runner-env.ts";

/**
 * Mode `solve`: the agent works a task issue with the agent's own token (no `workflows`
 * permission needed): a pull request for an IC task, a `/select N` comment for a manager task.
 */
export async function solve(inputs: ActionInputs, env: RunnerEnv): Promise<void> {
  requireInputs(inputs, ["issue", "token", "agent"], "in mode 'solve'");
  const repository = inputs.repository ?? env.repository;
  if (!repository) throw new InputError("input 'repository' is required in mode 'solve'");
  const [owner, repo] = repository.split("/") as [string, string];
  const trajectoryDir = path.join(env.runnerTemp || os.tmpdir(), "lancer-trajectories");
  const agent = await createAgent(inputs.agent, {
    bank: new Map(),
    commandTimeoutMs: (inputs["timeout-minutes"] ?? 30) * 60_000,
    ...(inputs.agent === "openai" ? { openai: openAiSettings(inputs, trajectoryDir) } : {}),
  });
  const outcome = await solveIssue({
    octokit: getOctokit(inputs.token, { baseUrl: env.apiUrl }),
    serverUrl: env.serverUrl,
    token: inputs.token,
    owner,
    repo,
    issue: inputs.issue,
    agent,
    ...(inputs.attempt === undefined ? {} : { attempt: inputs.attempt }),
    workRoot: path.join(env.runnerTemp || os.tmpdir(), "lancer-solve"),
    log: (line) => core.info(line),
    describe: async (submission) =>
      submission.trajectoryFile ? renderTrajectoryMarkdown(submission.trajectoryFile) : "",
  });
  if (outcome.kind === "ic") {
    core.setOutput("pull-request", String(outcome.pullRequest));
    core.setOutput("attempt", String(outcome.attempt));
    core.info(`Opened pull request #${outcome.pullRequest} from ${outcome.branch}: ${outcome.url}`);
  } else {
    core.setOutput("selected-proposal", String(outcome.selectedProposalId));
    core.info(`Answered /select ${outcome.selectedProposalId}: ${outcome.commentUrl}`);
  }
}

/** The openai agent's settings from the Action's inputs (the key from a secret). */
function openAiSettings(inputs: ActionInputs, trajectoryDir: string): OpenAiAgentOptions {
  requireInputs(inputs, ["model", "api-key"], "with agent 'openai'");
  return {
    model: inputs.model,
    apiKey: inputs["api-key"],
    ...(inputs["api-base-url"] ? { baseUrl: inputs["api-base-url"] } : {}),
    trajectoryDir,
    onNote: (text) => core.info(`openai agent: ${text}`),
  };
}
