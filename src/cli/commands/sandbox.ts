import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { actionRoot, giveGraderSecrets } from "../../demo/start-arena.ts";
import { endProcessTreeOnExit } from "../../sandbox/process-tree.ts";
import { startSandbox, stateDirProblem, type SandboxInfo } from "../../sandbox/start-sandbox.ts";
import { printJson, UsageError, type Output } from "../output.ts";

interface SandboxOptions {
  port?: number;
  stateDir: string;
  org: string;
  webhookUrl?: string;
  secondaryLimits?: boolean;
  json?: boolean;
}

/** A TCP port: 0 (any free one) to 65535. */
function portNumber(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError("expected a port number from 0 to 65535 (0: any free one)");
  return Number(value);
}

/** An organization login as GitHub allows it: letters, digits, single inner hyphens, ≤ 39. */
function orgLogin(value: string): string {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(value))
    throw new InvalidArgumentError(
      "expected an organization login (letters, digits and single inner hyphens, at most 39)",
    );
  return value;
}

/** Where webhooks go: an absolute http(s) URL. */
function webhookUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new InvalidArgumentError(
      "expected an http(s) URL such as http://127.0.0.1:3000/api/github/webhooks",
    );
  return value;
}

/** What sandbox.json holds, without the live objects. */
function sandboxFacts(running: SandboxInfo): SandboxInfo {
  const { url, apiUrl, org, tokens, users, agents, app, stateDir } = running;
  return { url, apiUrl, org, tokens, users, agents, app, stateDir };
}

export function registerSandbox(program: Command, output: Output): void {
  program
    .command("sandbox")
    .description(
      "serve a local GitHub on 127.0.0.1: REST, git over HTTP, webhooks, a GitHub App, a workflow runner",
    )
    .option("--port <n>", "port (default: any free one)", portNumber)
    .option(
      "--state-dir <dir>",
      "where repositories, the app key and sandbox.json go",
      ".lancer/sandbox",
    )
    .option("--org <login>", "the organization", orgLogin, "arena")
    .option("--webhook-url <url>", "where the app's webhooks are delivered", webhookUrl)
    .option(
      "--secondary-limits",
      "enforce GitHub's secondary limits (80 content creations a minute, 500 an hour)",
    )
    .option("--json", "print the facts of sandbox.json as JSON once ready")
    .addHelpText(
      "after",
      "\nREST is served under <url>/api/v3 (as GitHub Enterprise does) and git at <url>/<owner>/<repo>.git." +
        "\nTokens, the app's id, key path and webhook secret are in <state-dir>/sandbox.json. Stop with Ctrl-C." +
        "\nWorkflows may use lancer/lancer@v1 (this checkout) and get the grader's secrets, so with" +
        "\n--webhook-url http://127.0.0.1:3000/api/github/webhooks, `lancer bot` (APP_ID, PRIVATE_KEY_PATH," +
        "\nWEBHOOK_SECRET and GITHUB_URL from sandbox.json) and `lancer seed --sandbox <state-dir>` the" +
        "\nwhole arena runs here, one process each.",
    )
    .action(async (options: SandboxOptions) => {
      // Every flag is checked before anything is created (ports and URLs as they are parsed).
      const problem = stateDirProblem(options.stateDir);
      if (problem) throw new UsageError(`--state-dir: ${problem}`);
      // Workflow steps and the tests they grade must not outlive the sandbox.
      endProcessTreeOnExit();
      const running = await startSandbox({
        stateDir: options.stateDir,
        org: options.org,
        // Seeded grader workflows use the Lancer Action of this checkout, with its secrets.
        actions: { "lancer/lancer": actionRoot() },
        ...(options.port ? { port: options.port } : {}),
        ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
        ...(options.secondaryLimits ? { secondaryLimits: true } : {}),
      }).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") throw new UsageError(`--port ${options.port}: already in use`);
        if (code === "EACCES")
          throw new UsageError(`--port ${options.port}: needs privileges this process lacks`);
        throw error;
      });
      giveGraderSecrets(running);
      if (options.json) printJson(output, sandboxFacts(running));
      else {
        output.result(`sandbox ready at ${running.url} (REST ${running.apiUrl})`);
        output.result(`facts and tokens: ${path.join(running.stateDir, "sandbox.json")}`);
      }
      // The server keeps the process alive; Ctrl-C ends it (the state is in memory by design).
    });
}
