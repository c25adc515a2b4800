import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { issueToken, newToken } from "./auth/tokens.ts";
import { onPush } from "./events/on-push.ts";
import { createGitHandler } from "./git/http-backend.ts";
import { RateLimiter } from "./http/limits.ts";
import { Router } from "./http/router.ts";
import { createSandboxServer } from "./http/server.ts";
import { registerAllRoutes } from "./routes/index.ts";
import { stopRuns, trackRun } from "./runner/run-registry.ts";
import { installation } from "./serialize/app.ts";
import { simpleUser } from "./serialize/user.ts";
import type { Sandbox } from "./sandbox.ts";
import type { PermissionSet } from "./state/model.ts";
import { Store, timestamp } from "./state/store.ts";
import { WebhookDispatcher } from "./webhooks/dispatcher.ts";

/** What Lancer's app asks for: the least it needs, each for a reason (see app.yml). */
export const APP_PERMISSIONS: PermissionSet = {
  metadata: "read",
  administration: "write",
  contents: "write",
  issues: "write",
  pull_requests: "write",
  checks: "write",
  actions: "write",
  workflows: "write",
};

/** Events the app subscribes to (`installation` needs no subscription: apps always get it). */
export const APP_EVENTS = [
  "issues",
  "issue_comment",
  "pull_request",
  "pull_request_review",
  "push",
  "check_run",
  "check_suite",
  "workflow_run",
  "workflow_job",
];

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  stateDir: string;
  org?: string;
  webhookUrl?: string;
  /** The app's webhook secret (default: a random one, in sandbox.json). */
  webhookSecret?: string;
  /** Requests per hour per credential (GitHub's primary limit: 5,000). */
  primaryLimitPerHour?: number;
  /** Switch on GitHub's secondary limits (80 content creations a minute, 500 an hour by default). */
  secondaryLimits?: boolean | { perMinute: number; perHour: number };
  /** Actions workflows may `uses:` besides actions/checkout: `owner/name` → folder on disk. */
  actions?: Record<string, string>;
  /** Actions secrets given to every repository's workflows. */
  secrets?: Record<string, string>;
  /** Logins of more agent users (each gets a token, like `lancer-agent`). */
  moreAgents?: string[];
}

/** The facts written to `sandbox.json`: where it is and the credentials to use it. */
export interface SandboxInfo {
  url: string;
  apiUrl: string;
  org: string;
  tokens: { admin: string; agent: string };
  users: { admin: string; agent: string };
  /** Every agent user (`lancer-agent` and any more asked for): login → token. */
  agents: Record<string, string>;
  app: {
    id: number;
    slug: string;
    privateKeyPath: string;
    webhookSecret: string;
    webhookUrl: string | null;
    installationId: number;
  };
  stateDir: string;
}

export interface RunningSandbox extends SandboxInfo {
  sandbox: Sandbox;
  /** Points the app's webhooks somewhere else (as the app settings page does). */
  setWebhookUrl(url: string | null): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a local GitHub on 127.0.0.1: an org, an admin and an agent user with tokens, a
 * GitHub App installed on the org, REST under `/api/v3`, git over HTTP, webhooks. The state
 * lives in memory and in `stateDir` (bare repositories, the app's key, sandbox.json); each
 * start begins afresh.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const stateDir = path.resolve(options.stateDir);
  const problem = stateDirProblem(stateDir);
  if (problem) throw new Error(`stateDir: ${problem}`);
  const gitRoot = path.join(stateDir, "git");
  const store = new Store();
  const router = new Router();
  registerAllRoutes(router);
  const secondary =
    typeof options.secondaryLimits === "object"
      ? { enabled: true, ...options.secondaryLimits }
      : { enabled: Boolean(options.secondaryLimits), perMinute: 80, perHour: 500 };
  const sandbox: Sandbox = {
    store,
    router,
    url: "",
    apiUrl: "",
    stateDir,
    gitRoot,
    webhooks: new WebhookDispatcher(store),
    limits: { secondary },
    limiter: new RateLimiter(options.primaryLimitPerHour),
    stats: { byRoute: new Map(), byToken: new Map() },
    actions: { ...options.actions },
    secrets: { ...options.secrets },
  };
  const server = createSandboxServer(
    sandbox,
    createGitHandler(
      sandbox,
      // Tracked, so that runsIdle also waits for the workflows a push is starting.
      (repo, updates, principal) =>
        void trackRun(sandbox, onPush(sandbox, repo, updates, principal)),
    ),
  );
  // Listening first: a port that cannot be had leaves the state folder as it was.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  sandbox.url = `http://127.0.0.1:${port}`;
  sandbox.apiUrl = `${sandbox.url}/api/v3`;

  let info: SandboxInfo;
  try {
    await rm(gitRoot, { recursive: true, force: true });
    await mkdir(gitRoot, { recursive: true });
    info = await seedIdentity(sandbox, options);
  } catch (error) {
    server.close();
    throw error;
  }
  const write = () =>
    writeFile(path.join(stateDir, "sandbox.json"), `${JSON.stringify(info, null, 2)}\n`);
  await write();
  return {
    ...info,
    sandbox,
    async setWebhookUrl(url) {
      store.apps.get(info.app.id)!.webhookUrl = url;
      info.app.webhookUrl = url;
      await write();
    },
    async stop() {
      await stopRuns(sandbox);
      await sandbox.webhooks.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Why a folder cannot be a sandbox's state folder, or undefined when it can: it must be a
 * folder (or not exist yet, under no file), and, since each start empties its `git/`, be
 * empty or hold a sandbox's state already (a `sandbox.json`).
 */
export function stateDirProblem(dir: string): string | undefined {
  const resolved = path.resolve(dir);
  for (let at = resolved; ; at = path.dirname(at)) {
    let info;
    try {
      info = statSync(at);
    } catch {
      if (at === path.dirname(at)) return undefined;
      continue;
    }
    if (!info.isDirectory())
      return at === resolved
        ? `${resolved} is a file; expected a folder`
        : `${resolved} is under ${at}, which is a file; expected a folder`;
    if (at !== resolved) return undefined;
    break;
  }
  const entries = readdirSync(resolved);
  if (entries.length === 0 || entries.includes("sandbox.json")) return undefined;
  return `${resolved} holds files and no sandbox.json (${entries.sort().slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}); each start empties its git/, so give a new or empty folder`;
}

async function seedIdentity(sandbox: Sandbox, options: SandboxOptions): Promise<SandboxInfo> {
  const { store } = sandbox;
  const now = timestamp();
  const user = (login: string, type: "User" | "Bot" = "User") => {
    const id = store.nextId();
    store.users.set(id, {
      id,
      login,
      type,
      siteAdmin: false,
      name: login,
      email: `${login}@sandbox.invalid`,
      createdAt: now,
    });
    return id;
  };
  const adminId = user("lancer-admin");
  const agentId = user("lancer-agent");
  const orgId = store.nextId();
  const orgLogin = options.org ?? "arena";
  store.orgs.set(orgId, {
    id: orgId,
    login: orgLogin,
    description: "Lancer's arena",
    createdAt: now,
    members: new Map([[adminId, "admin"]]),
  });

  const adminToken = newToken("ghp_");
  issueToken(
    store,
    { kind: "user", userId: adminId, token: adminToken, scopes: ["repo", "workflow", "admin:org"] },
    null,
  );
  const agentToken = newToken("ghp_");
  issueToken(store, { kind: "user", userId: agentId, token: agentToken, scopes: ["repo"] }, null);
  const agents: Record<string, string> = { "lancer-agent": agentToken };
  for (const login of options.moreAgents ?? []) {
    const token = newToken("ghp_");
    issueToken(store, { kind: "user", userId: user(login), token, scopes: ["repo"] }, null);
    agents[login] = token;
  }

  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateKeyPath = path.join(sandbox.stateDir, "app.private-key.pem");
  await writeFile(privateKeyPath, privateKey.export({ type: "pkcs1", format: "pem" }), {
    mode: 0o600,
  });
  const appId = store.nextId();
  const botUserId = user("lancer[bot]", "Bot");
  const webhookSecret = options.webhookSecret ?? randomBytes(24).toString("hex");
  store.apps.set(appId, {
    id: appId,
    slug: "lancer",
    name: "Lancer",
    ownerId: orgId,
    clientId: `Iv1.${randomBytes(8).toString("hex")}`,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKeyPath,
    webhookSecret,
    webhookUrl: options.webhookUrl ?? null,
    permissions: APP_PERMISSIONS,
    events: APP_EVENTS,
    botUserId,
    createdAt: now,
  });
  const installationId = store.nextId();
  store.installations.set(installationId, {
    id: installationId,
    appId,
    accountId: orgId,
    permissions: APP_PERMISSIONS,
    events: APP_EVENTS,
    repositories: "all",
    createdAt: now,
  });
  // GitHub tells an app it was installed; the sandbox's app is installed as it starts.
  sandbox.webhooks.emit({
    event: "installation",
    action: "created",
    payload: {
      action: "created",
      installation: installation(sandbox, store.installations.get(installationId)!),
      repositories: [],
      sender: simpleUser(sandbox, store.users.get(adminId)!),
    },
    installationId,
    repositoryId: null,
    appId,
  });
  return {
    url: sandbox.url,
    apiUrl: sandbox.apiUrl,
    org: orgLogin,
    tokens: { admin: adminToken, agent: agentToken },
    users: { admin: "lancer-admin", agent: "lancer-agent" },
    agents,
    app: {
      id: appId,
      slug: "lancer",
      privateKeyPath,
      webhookSecret,
      webhookUrl: options.webhookUrl ?? null,
      installationId,
    },
    stateDir: sandbox.stateDir,
  };
}
