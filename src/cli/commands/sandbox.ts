import path from "node:path";
import type { Command } from "commander";
import { actionRoot, giveGraderSecrets } from "../../demo/start-arena.ts";
import { startSandbox, type SandboxInfo } from "../../sandbox/start-sandbox.ts";
import { positiveInt } from "../options.ts";
import { printJson, type Output } from "../output.ts";

interface SandboxOptions {
  port?: number;
  stateDir: string;
  org: string;
  webhookUrl?: string;
  secondaryLimits?: boolean;
  json?: boolean;
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
    .option("--port <n>", "port (default: any free one)", positiveInt)
    .option(
      "--state-dir <dir>",
      "where repositories, the app key and sandbox.json go",
      ".lancer/sandbox",
    )
    .option("--org <login>", "the organization", "arena")
    .option("--webhook-url <url>", "where the app's webhooks are delivered")
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
      const running = await startSandbox({
        stateDir: options.stateDir,
        org: options.org,
        // Seeded grader workflows use the Lancer Action of this checkout, with its secrets.
        actions: { "lancer/lancer": actionRoot() },
        ...(options.port ? { port: options.port } : {}),
        ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}),
        ...(options.secondaryLimits ? { secondaryLimits: true } : {}),
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
