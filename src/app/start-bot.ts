import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { apiUrlFor } from "../github/api-url.ts";
import { DEFAULT_GRADER_REPO } from "../github/lancer-config.ts";
import { lancerApp } from "./lancer-app.ts";
import { WorkTracker } from "./work-tracker.ts";

export const WEBHOOK_PATH = "/api/github/webhooks";

export class BotConfigError extends Error {
  override name = "BotConfigError";
}

/** What the bot needs to run, from `.env` / the environment. */
export interface BotSettings {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  /** Web root: https://github.com, a GitHub Enterprise host, or the sandbox. */
  githubUrl: string;
  port: number;
  host: string;
  graderRepo: string;
}

/**
 * Reads the bot's settings: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET,
 * GITHUB_URL (default https://github.com), PORT, HOST, LANCER_GRADER_REPO. Every problem is
 * named at once; the key and the secret are never quoted.
 */
export function readBotSettings(env: NodeJS.ProcessEnv): BotSettings {
  const problems: string[] = [];
  const appId = Number(env.APP_ID);
  if (!env.APP_ID || !Number.isInteger(appId) || appId <= 0)
    problems.push("APP_ID: expected the app's numeric id");
  let privateKey = env.PRIVATE_KEY?.replace(/\\n/g, "\n");
  if (!privateKey && env.PRIVATE_KEY_PATH) {
    if (existsSync(env.PRIVATE_KEY_PATH)) privateKey = readFileSync(env.PRIVATE_KEY_PATH, "utf8");
    else problems.push(`PRIVATE_KEY_PATH: ${env.PRIVATE_KEY_PATH} does not exist`);
  }
  if (!privateKey && !env.PRIVATE_KEY_PATH)
    problems.push("PRIVATE_KEY or PRIVATE_KEY_PATH: expected the app's private key (PEM)");
  else if (privateKey && !/-----BEGIN (RSA )?PRIVATE KEY-----/.test(privateKey))
    problems.push("PRIVATE_KEY: expected a PEM private key (-----BEGIN … PRIVATE KEY-----)");
  const secret = env.WEBHOOK_SECRET ?? "";
  if (!secret) problems.push("WEBHOOK_SECRET: missing (webhooks must be verified)");
  else if (secret === "development")
    problems.push('WEBHOOK_SECRET: "development" is Probot\'s placeholder, not a secret');
  else if (secret.length < 32)
    problems.push(`WEBHOOK_SECRET: ${secret.length} characters; use at least 32 random ones`);
  const githubUrl = (env.GITHUB_URL ?? "https://github.com").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]+/.test(githubUrl))
    problems.push(`GITHUB_URL: expected a URL such as https://github.com, got ${githubUrl}`);
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT: expected a port number, got ${env.PORT}`);
  if (problems.length > 0)
    throw new BotConfigError(`the bot cannot start:\n  ${problems.join("\n  ")}`);
  return {
    appId,
    privateKey: privateKey!,
    webhookSecret: secret,
    githubUrl,
    port,
    host: env.HOST ?? "127.0.0.1",
    graderRepo: env.LANCER_GRADER_REPO ?? DEFAULT_GRADER_REPO,
  };
}

export interface RunningBot {
  /** Where GitHub should send webhooks. */
  webhookUrl: string;
  tracker: WorkTracker;
  close(): Promise<void>;
}

/** Starts the Probot app on an HTTP server (webhooks at /api/github/webhooks). */
export async function startBot(
  settings: BotSettings,
  options: {
    log?: Logger;
    logLevel?: "info" | "warn" | "error" | "fatal";
    /**
     * Octokit's throttling (one content-creating request a second per process, as GitHub
     * asks of integrations). On by default; the sandbox's arena switches it off, as the
     * sandbox enforces no secondary limits unless asked to.
     */
    throttle?: boolean;
  } = {},
): Promise<RunningBot> {
  const probot = new Probot({
    ...(options.throttle === false
      ? {
          Octokit: ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
            ...instance,
            throttle: { ...(instance.throttle as object | undefined), enabled: false },
          })),
        }
      : {}),
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    baseUrl: apiUrlFor(settings.githubUrl),
    ...(options.log ? { log: options.log } : { logLevel: options.logLevel ?? "info" }),
  });
  const tracker = new WorkTracker();
  const middleware = await createNodeMiddleware(
    lancerApp({ graderRepo: settings.graderRepo, tracker }),
    { probot, webhooksPath: WEBHOOK_PATH },
  );
  const server = createServer((request, response) => {
    void Promise.resolve(
      middleware(request, response, () => {
        response.writeHead(request.url === "/" ? 200 : 404, { "content-type": "text/plain" });
        response.end(
          request.url === "/"
            ? "Lancer app: POST webhooks to /api/github/webhooks\n"
            : "not found\n",
        );
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    webhookUrl: `http://${settings.host}:${port}${WEBHOOK_PATH}`,
    tracker,
    async close() {
      await tracker.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
