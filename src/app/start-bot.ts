import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { apiUrlFor } from "../github/api-url.ts";
import { DEFAULT_GRADER_REPO } from "../github/lancer-config.ts";
import { lancerApp } from "./lancer-app.ts";
import { readSettingsFile } from "./settings-file.ts";
import { guardWebhooks } from "./webhook-guard.ts";
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
  if (!/^\d+$/.test(env.APP_ID ?? "") || !Number.isSafeInteger(appId) || appId <= 0)
    problems.push("APP_ID: expected the app's numeric id");
  let privateKey = env.PRIVATE_KEY?.replace(/\\n/g, "\n");
  if (privateKey) {
    if (!PEM_KEY.test(privateKey))
      problems.push("PRIVATE_KEY: expected a PEM private key (-----BEGIN … PRIVATE KEY-----)");
  } else if (env.PRIVATE_KEY_PATH) {
    const read = readSettingsFile(env.PRIVATE_KEY_PATH, "a PEM file", { maxBytes: MAX_KEY_BYTES });
    if ("problem" in read) problems.push(`PRIVATE_KEY_PATH: ${read.problem}`);
    else if (!PEM_KEY.test(read.text))
      problems.push(
        `PRIVATE_KEY_PATH: ${env.PRIVATE_KEY_PATH} is not a PEM private key (-----BEGIN … PRIVATE KEY-----)`,
      );
    else privateKey = read.text;
  } else problems.push("PRIVATE_KEY or PRIVATE_KEY_PATH: expected the app's private key (PEM)");
  const secret = env.WEBHOOK_SECRET ?? "";
  if (!secret) problems.push("WEBHOOK_SECRET: missing (webhooks must be verified)");
  else if (secret === "development")
    problems.push('WEBHOOK_SECRET: "development" is Probot\'s placeholder, not a secret');
  else if (secret.length < 32)
    problems.push(`WEBHOOK_SECRET: ${secret.length} characters; use at least 32 random ones`);
  const githubUrl = (env.GITHUB_URL ?? "https://github.com").replace(/\/+$/, "");
  if (!isWebRoot(githubUrl))
    problems.push(`GITHUB_URL: expected a URL such as https://github.com, got ${githubUrl}`);
  const port = Number(env.PORT ?? 3000);
  if (!/^\d+$/.test(env.PORT ?? "3000") || port > 65535)
    problems.push(`PORT: expected a port number from 0 to 65535, got ${env.PORT}`);
  const graderRepo = env.LANCER_GRADER_REPO ?? DEFAULT_GRADER_REPO;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(graderRepo) || /^\.\.?$/.test(graderRepo))
    problems.push(`LANCER_GRADER_REPO: expected a repository name (no owner), got ${graderRepo}`);
  if (problems.length > 0)
    throw new BotConfigError(`the bot cannot start:\n  ${problems.join("\n  ")}`);
  return {
    appId,
    privateKey: privateKey!,
    webhookSecret: secret,
    githubUrl,
    port,
    host: env.HOST || "127.0.0.1",
    graderRepo,
  };
}

const PEM_KEY = /-----BEGIN (RSA )?PRIVATE KEY-----/;
/** A PEM key is a few KB (16 KB for the largest RSA keys). */
const MAX_KEY_BYTES = 64 * 1024;

function isWebRoot(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
}

export interface RunningBot {
  /** Where GitHub should send webhooks. */
  webhookUrl: string;
  tracker: WorkTracker;
  close(): Promise<void>;
}

/** Listens on HOST:PORT; an address in use or not of this machine is a named BotConfigError. */
async function listen(server: Server, settings: BotSettings): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(settings.port, settings.host, () => resolve());
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const where = `${settings.host}:${settings.port}`;
    const problem =
      code === "EADDRINUSE"
        ? `PORT: ${settings.port} is already in use on ${settings.host}`
        : code === "EACCES"
          ? `PORT: ${settings.port} needs privileges this process does not have (EACCES)`
          : `HOST: cannot listen on ${where} (${code}); expected an address of this machine`;
    throw new BotConfigError(`the bot cannot start:\n  ${problem}`);
  }
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
    /** The app's clock (deadlines, graded_at): injectable so that tests can move time. */
    now?: () => Date;
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
    lancerApp({
      graderRepo: settings.graderRepo,
      tracker,
      ...(options.now ? { now: options.now } : {}),
    }),
    { probot, webhooksPath: WEBHOOK_PATH },
  );
  const guarded = guardWebhooks(middleware, {
    path: WEBHOOK_PATH,
    verify: (body, signature) => probot.webhooks.verify(body, signature),
    log: probot.log,
  });
  const server = createServer((request, response) => {
    void Promise.resolve(
      guarded(request, response, () => {
        response.writeHead(request.url === "/" ? 200 : 404, { "content-type": "text/plain" });
        response.end(
          request.url === "/"
            ? "Lancer app: POST webhooks to /api/github/webhooks\n"
            : "not found\n",
        );
      }),
    ).catch(() => {
      // The client went away while its body was read: nobody is left to answer.
      response.destroy();
    });
  });
  await listen(server, settings);
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
