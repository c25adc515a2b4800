import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { startBot, type RunningBot } from "../app/start-bot.ts";
import { seedBank, type SeedOptions, type SeedReport } from "../github/seed/seed-bank.ts";
import { runsActive, runsIdle } from "../sandbox/runner/run-registry.ts";
import { startSandbox, type RunningSandbox } from "../sandbox/start-sandbox.ts";

/** The folder holding action.yml (the Lancer Action the grader workflow uses). */
export function actionRoot(from = import.meta.dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "action.yml")) && existsSync(path.join(dir, "dist/index.js")))
      return dir;
    if (path.dirname(dir) === dir)
      throw new Error(`no action.yml with dist/index.js above ${from} (run npm run build)`);
  }
}

/**
 * Gives the sandbox's workflows what the grader workflow reads: the app's id and key (to
 * mint tokens) and a token that reads the grader repository. Returns the app's key.
 */
export function giveGraderSecrets(sandbox: RunningSandbox): string {
  const privateKey = readFileSync(sandbox.app.privateKeyPath, "utf8");
  sandbox.sandbox.secrets ??= {};
  Object.assign(sandbox.sandbox.secrets, {
    LANCER_APP_ID: String(sandbox.app.id),
    LANCER_APP_PRIVATE_KEY: privateKey,
    LANCER_BANK_TOKEN: sandbox.tokens.admin,
  });
  return privateKey;
}

export interface ArenaOptions {
  stateDir: string;
  /** Agent accounts besides `lancer-agent`. */
  moreAgents?: string[];
  log?: Logger;
  webhookSecret?: string;
  /** The app's clock (default the real one): tests pass one they can move. */
  now?: () => Date;
}

export interface Arena {
  sandbox: RunningSandbox;
  bot: RunningBot;
  /** Puts a bank on the sandbox's org with the app's credentials. */
  seed(
    options: Pick<SeedOptions, "bankDir" | "only" | "cacheDir"> & Partial<SeedOptions>,
  ): Promise<SeedReport>;
  /** Resolves once no workflow runs, no webhook and no app handler is left. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A whole arena in one process tree: the local GitHub (with its workflow runner), the Lancer
 * app receiving its webhooks, and the grader secrets its workflow reads.
 */
export async function startArena(options: ArenaOptions): Promise<Arena> {
  const webhookSecret = options.webhookSecret ?? randomSecret();
  const sandbox = await startSandbox({
    stateDir: options.stateDir,
    webhookSecret,
    actions: { "lancer/lancer": actionRoot() },
    moreAgents: options.moreAgents ?? [],
  });
  const privateKey = giveGraderSecrets(sandbox);
  const bot = await startBot(
    {
      appId: sandbox.app.id,
      privateKey,
      webhookSecret,
      githubUrl: sandbox.url,
      port: 0,
      host: "127.0.0.1",
      graderRepo: "lancer-grader",
    },
    {
      ...(options.log ? { log: options.log } : { logLevel: "fatal" }),
      throttle: false,
      ...(options.now ? { now: options.now } : {}),
    },
  );
  await sandbox.setWebhookUrl(bot.webhookUrl);
  const agents = Object.keys(sandbox.agents);
  return {
    sandbox,
    bot,
    seed: (seedOptions) =>
      seedBank({
        org: sandbox.org,
        serverUrl: sandbox.url,
        auth: { appId: sandbox.app.id, privateKey },
        agents,
        maintainers: [sandbox.users.admin],
        // The sandbox enforces no secondary limits unless started to: no need to pace for them.
        limits: { perMinute: 6_000, perHour: 360_000 },
        ...seedOptions,
      }),
    async settled() {
      const inner = sandbox.sandbox;
      while (runsActive(inner) > 0 || inner.webhooks.pending > 0 || bot.tracker.active > 0) {
        await runsIdle(inner);
        await inner.webhooks.idle();
        await bot.tracker.idle();
      }
    },
    async stop() {
      await sandbox.stop();
      await bot.close();
    },
  };
}

function randomSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex");
}
