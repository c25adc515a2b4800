import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { App, Octokit, RequestError } from "octokit";
import { verify } from "@octokit/webhooks-methods";
import { afterAll } from "vitest";
import { runsActive, runsIdle } from "../../src/sandbox/runner/run-registry.ts";
import { startSandbox, type RunningSandbox } from "../../src/sandbox/start-sandbox.ts";
import { validateResponse, validateWebhook } from "./github-contract.ts";
import { tempDir } from "./temp-dir.ts";

export interface ReceivedDelivery {
  event: string;
  id: string;
  signatureValid: boolean;
  payload: Record<string, unknown>;
}

/**
 * An Octokit whose every response (and every error response) is checked against GitHub's
 * REST contract: a response that does not validate fails the request.
 */
export function contractOctokit(baseUrl: string, auth?: string): Octokit {
  const octokit = new Octokit({
    baseUrl,
    ...(auth ? { auth } : {}),
    retry: { enabled: false },
    throttle: { enabled: false },
  });
  octokit.hook.wrap("request", async (request, options) => {
    const url = new URL(String(options.url).replace(/\{[^}]+\}/g, "x"), "http://x");
    const pathBelowApi = (path: string) => path.replace(/^\/api\/v3/, "");
    try {
      const response = await request(options);
      validateResponse(
        String(options.method),
        pathBelowApi(new URL(response.url).pathname),
        response.status,
        response.status === 204 ? undefined : response.data,
      );
      return response;
    } catch (error) {
      if (error instanceof RequestError && error.response) {
        validateResponse(
          String(options.method),
          pathBelowApi(new URL(error.response.url).pathname),
          error.status,
          error.response.data,
        );
      }
      void url;
      throw error;
    }
  });
  return octokit;
}

export interface SandboxFixture {
  running: RunningSandbox;
  admin: Octokit;
  agent: Octokit;
  anonymous: Octokit;
  /** The app, authenticating with its private key and JWTs, like a real GitHub App. */
  app: App;
  /** An installation-authenticated Octokit for the org. */
  installation(): Promise<Octokit>;
  deliveries: ReceivedDelivery[];
  /** Event names of deliveries that failed their schema or signature check (should be none). */
  invalidDeliveries(): string[];
  /** A plain request (no contract check) for statuses GitHub sends but does not document; its status. */
  rawStatus(method: string, path: string, token?: string, body?: unknown): Promise<number>;
  /** Creates a repository in the org as the admin, optionally giving the agent a role on it. */
  createRepo(
    name: string,
    options?: { private?: boolean; agent?: "pull" | "triage" | "push" },
  ): Promise<void>;
  /** Waits until background work is done and every webhook emitted has been delivered. */
  settled(): Promise<void>;
  dir: string;
}

/** Starts a sandbox for one test file, with a webhook receiver that checks signatures and schemas. */
export async function startSandboxFixture(
  options: {
    secondaryLimits?: boolean | { perMinute: number; perHour: number };
    /** Actions workflows may use: `owner/name` → folder (see SandboxOptions.actions). */
    actions?: Record<string, string>;
  } = {},
): Promise<SandboxFixture> {
  const dir = tempDir("lancer-sandbox-");
  const deliveries: ReceivedDelivery[] = [];
  const secret = randomBytes(20).toString("hex");
  const receiver: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      void verify(secret, body, String(request.headers["x-hub-signature-256"]))
        .then((signatureValid) => {
          const payload = JSON.parse(body) as Record<string, unknown>;
          const event = String(request.headers["x-github-event"]);
          validateWebhook(
            event,
            typeof payload.action === "string" ? payload.action : null,
            payload,
          );
          deliveries.push({
            event,
            id: String(request.headers["x-github-delivery"]),
            signatureValid,
            payload,
          });
          response.writeHead(202).end("ok");
        })
        .catch((error: unknown) => {
          deliveries.push({
            event: `INVALID ${String(request.headers["x-github-event"])}: ${(error as Error).message}`,
            id: "",
            signatureValid: false,
            payload: {},
          });
          response.writeHead(400).end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  const running = await startSandbox({
    stateDir: dir,
    webhookUrl,
    webhookSecret: secret,
    ...(options.secondaryLimits === undefined ? {} : { secondaryLimits: options.secondaryLimits }),
    ...(options.actions ? { actions: options.actions } : {}),
  });
  afterAll(async () => {
    await running.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  const app = new App({
    appId: running.app.id,
    privateKey: readFileSync(running.app.privateKeyPath, "utf8"),
    Octokit: Octokit.defaults({ baseUrl: running.apiUrl }),
  });
  return {
    running,
    admin: contractOctokit(running.apiUrl, running.tokens.admin),
    agent: contractOctokit(running.apiUrl, running.tokens.agent),
    anonymous: contractOctokit(running.apiUrl),
    app,
    async installation() {
      const { data } = await app.octokit.request(
        "POST /app/installations/{installation_id}/access_tokens",
        { installation_id: running.app.installationId },
      );
      return contractOctokit(running.apiUrl, data.token);
    },
    deliveries,
    invalidDeliveries: () =>
      deliveries
        .filter((d) => d.event.startsWith("INVALID") || !d.signatureValid)
        .map((d) => d.event),
    async rawStatus(method, path, token, body) {
      const response = await fetch(`${running.apiUrl}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `token ${token}` } : {}),
          "content-type": "application/json",
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      await response.arrayBuffer();
      return response.status;
    },
    async createRepo(name, options = {}) {
      const admin = contractOctokit(running.apiUrl, running.tokens.admin);
      await admin.request("POST /orgs/{org}/repos", {
        org: running.org,
        name,
        private: options.private ?? false,
      });
      if (options.agent) {
        await admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
          owner: running.org,
          repo: name,
          username: running.users.agent,
          permission: options.agent,
        });
      }
    },
    async settled() {
      // Background work (push handling, workflow runs) emits webhooks and may start more work.
      const { sandbox } = running;
      while (runsActive(sandbox) > 0 || sandbox.webhooks.pending > 0) {
        await runsIdle(sandbox);
        await sandbox.webhooks.idle();
      }
    },
    dir: path.resolve(dir),
  };
}

/** The status of a failed request, or 0 if it did not fail. */
export async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 0;
  } catch (error) {
    if (error instanceof RequestError) return error.status;
    throw error;
  }
}
