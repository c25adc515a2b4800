import type { RateLimiter } from "./http/limits.ts";
import type { Router } from "./http/router.ts";
import type { Repo } from "./state/model.ts";
import type { Store } from "./state/store.ts";
import { simpleOrg, simpleUser } from "./serialize/user.ts";
import { webhookRepository } from "./serialize/webhook-shapes.ts";
import type { WebhookDispatcher } from "./webhooks/dispatcher.ts";
import { nodeId } from "./serialize/node-id.ts";

/** Limits the sandbox may enforce, as GitHub does. */
export interface SandboxLimits {
  /** Secondary limits on content-creating requests, off unless switched on. */
  secondary: { enabled: boolean; perMinute: number; perHour: number };
}

/** One REST request as the sandbox saw it. */
export interface TracedRequest {
  method: string;
  /** The route template, e.g. `/repos/:owner/:repo/issues`. */
  route: string;
  /** The path asked for, below the REST root. */
  path: string;
  /** The JSON body, if any. */
  body: unknown;
  /** `user`, `installation`, `app` (a JWT) or `anonymous`. */
  principal: string;
  userAgent: string;
}

/** The running sandbox as handlers see it: state, routes, addresses, webhooks. */
export interface Sandbox {
  store: Store;
  router: Router;
  /** Root of the server, e.g. `http://127.0.0.1:4567`; git lives at `${url}/owner/repo.git`. */
  url: string;
  /** REST root, as on GitHub Enterprise: `${url}/api/v3`. */
  apiUrl: string;
  stateDir: string;
  /** Folder of the bare repositories: `${gitRoot}/<owner>/<repo>.git`. */
  gitRoot: string;
  webhooks: WebhookDispatcher;
  limits: SandboxLimits;
  limiter: RateLimiter;
  /** Requests counted per route template and per token (`anonymous` when none). */
  stats: {
    byRoute: Map<string, number>;
    byToken: Map<string, number>;
    /** Called for each REST request, when set (benchmarks attribute requests to callers). */
    trace?: (request: TracedRequest) => void;
  };
  /** Actions workflows may `uses:` besides actions/checkout: `owner/name` → folder on disk. */
  actions?: Record<string, string>;
  /** Actions secrets of every repository (`secrets.NAME` in workflows). */
  secrets?: Record<string, string>;
}

/**
 * Emits a repository event to every app installation that covers the repository, with the
 * envelope GitHub adds: `repository`, `organization`, `sender`, `installation`.
 */
export function emitRepoEvent(
  sandbox: Sandbox,
  repo: Repo,
  event: string,
  action: string | null,
  fields: Record<string, unknown>,
  senderId: number,
): void {
  const { store } = sandbox;
  const org = store.orgs.get(repo.ownerId);
  const sender = store.users.get(senderId);
  for (const installation of store.installations.values()) {
    if (installation.accountId !== repo.ownerId) continue;
    if (installation.repositories !== "all" && !installation.repositories.includes(repo.id))
      continue;
    const payload = {
      ...(action ? { action } : {}),
      ...fields,
      // Webhooks nest the webhook flavour of a repository; `push` passes its own flavour.
      repository: fields.repository ?? webhookRepository(sandbox, repo),
      ...(org ? { organization: simpleOrg(sandbox, org) } : {}),
      ...(sender ? { sender: simpleUser(sandbox, sender) } : {}),
      installation: { id: installation.id, node_id: nodeId("Installation", installation.id) },
    };
    sandbox.webhooks.emit({
      event,
      action,
      payload,
      installationId: installation.id,
      repositoryId: repo.id,
      appId: installation.appId,
    });
  }
}
