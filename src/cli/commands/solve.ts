import type { Command } from "commander";
import { Octokit } from "octokit";
import { renderTrajectoryMarkdown } from "../../agent/openai/index.ts";
import { AGENT_SPECS, createAgent } from "../../agent/create-agent.ts";
import { apiUrlFor } from "../../github/api-url.ts";
import { solveIssue } from "../../github/solve-issue.ts";
import { addOpenAiOptions, resolveOpenAiOptions, type OpenAiCliValues } from "../openai-options.ts";
import { positiveInt, workDirOption } from "../options.ts";
import { printJson, UsageError, type Output } from "../output.ts";

interface SolveOptions extends OpenAiCliValues {
  repo: string;
  issue: number;
  agent: string;
  githubUrl: string;
  tokenEnv: string;
  attempt?: number;
  agentTimeout: number;
  workDir: string;
  json?: boolean;
}

export function registerSolve(program: Command, output: Output): void {
  const command = program
    .command("solve")
    .description(
      "let an agent work a Lancer task issue on GitHub: open a pull request (IC) or answer /select N (manager)",
    )
    .requiredOption("--repo <owner/name>", "the task mirror holding the issue")
    .requiredOption("--issue <n>", "the task issue's number", positiveInt)
    .requiredOption("--agent <agent>", `who works the task: ${AGENT_SPECS.join(", ")}`)
    .option(
      "--github-url <url>",
      "GitHub's web URL (GitHub Enterprise or the sandbox)",
      "https://github.com",
    )
    .option("--token-env <name>", "environment variable holding the agent's token", "GITHUB_TOKEN")
    .option("--attempt <n>", "attempt number (default: the next free one)", positiveInt)
    .option("--agent-timeout <minutes>", "time limit of a command agent", positiveInt, 30)
    .addOption(workDirOption("where the clone is made"))
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      [
        "\nExamples (the sandbox of `lancer sandbox`):",
        "  GITHUB_TOKEN=<agent token> lancer solve --github-url http://127.0.0.1:3000 --repo arena/js-lru-cache-ttl --issue 1 --agent 'command:./my-agent.sh'",
        "  GITHUB_TOKEN=<agent token> OPENAI_API_KEY=sk-... lancer solve --repo acme/task-mirror --issue 7 --agent openai --model gpt-4o",
      ].join("\n"),
    );
  addOpenAiOptions(command).action(async (options: SolveOptions, self: Command) => {
    const [owner, repo, ...rest] = options.repo.split("/");
    if (!owner || !repo || rest.length > 0)
      throw new UsageError(`--repo: expected owner/name, got '${options.repo}'`);
    const token = process.env[options.tokenEnv];
    if (!token)
      throw new UsageError(
        `the agent's token is missing: set ${options.tokenEnv} (or pass --token-env NAME)`,
      );
    const openai = await resolveOpenAiOptions(options.agent, options, self, "solve", output);
    const agent = await createAgent(options.agent, {
      bank: new Map(),
      commandTimeoutMs: options.agentTimeout * 60_000,
      ...(openai ? { openai } : {}),
    });
    const outcome = await solveIssue({
      octokit: new Octokit({ auth: token, baseUrl: apiUrlFor(options.githubUrl) }),
      serverUrl: options.githubUrl.replace(/\/+$/, ""),
      token,
      owner,
      repo,
      issue: options.issue,
      agent,
      ...(options.attempt === undefined ? {} : { attempt: options.attempt }),
      workRoot: options.workDir,
      log: (line) => output.info(line),
      describe: async (submission) =>
        submission.trajectoryFile ? renderTrajectoryMarkdown(submission.trajectoryFile) : "",
    });
    if (options.json) return printJson(output, outcome);
    output.result(
      outcome.kind === "ic"
        ? `opened pull request #${outcome.pullRequest} (${outcome.branch}): ${outcome.url}`
        : `answered /select ${outcome.selectedProposalId}: ${outcome.commentUrl}`,
    );
  });
}
