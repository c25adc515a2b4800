import { createAppAuth } from "@octokit/auth-app";
import { Octokit } from "@octokit/core";
import { redact } from "../git-auth.ts";
import { statusOf } from "../rest.ts";
import { rateLimitWait } from "./rate-limit-wait.ts";
import { SeedError } from "./seed-error.ts";
import type { Clock, CreationThrottle } from "./throttle.ts";

/** How the seeder authenticates: a token (installation or personal), or the app's credentials. */
export type SeedAuth = { token: string } | { appId: number; privateKey: string };

/** REST requests made, counted as they are sent (retries and token mints included). */
export interface RequestStats {
  total: number;
  /** Content-creating requests (POST, PUT, PATCH, DELETE), which the throttle paces. */
  creating: number;
  /** Per route template, e.g. `POST /repos/{owner}/{repo}/issues`. */
  byRoute: Record<string, number>;
  /** Requests sent again after a rate-limit answer. */
  retries: number;
  /** Time spent waiting for rate limits, by the throttle and after refusals. */
  waitedMs: number;
}

export interface SeedClient {
  octokit: Octokit;
  /** A token for git over HTTP: the installation's, minted again when it has expired. */
  token(): Promise<string>;
  /** The login issues are opened as, when it can be known (`<app-slug>[bot]` for the app). */
  login: string | undefined;
  stats: RequestStats;
  /** Every token used so far, for `redact`. */
  secrets(): string[];
}

export interface ConnectOptions {
  apiUrl: string;
  org: string;
  auth: SeedAuth;
  throttle: CreationThrottle;
  clock: Clock;
  /** Rate-limit refusals of one request waited out before giving up. */
  maxRetries: number;
  fetch?: typeof fetch;
  onWait?: (ms: number, reason: string) => void;
}

/** How long before its expiry an installation token is replaced. */
const RENEW_BEFORE_MS = 5 * 60_000;

function isCreating(method: string, url: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method) && !url.startsWith("/app/");
}

/**
 * An Octokit for seeding: every request is counted, content-creating ones are paced by the
 * throttle, rate-limit refusals are waited out (up to `maxRetries`), and with the app's
 * credentials the org's installation is found and its token minted (and minted again when it
 * expires, or once when GitHub answers 401).
 */
export async function connect(options: ConnectOptions): Promise<SeedClient> {
  const { clock, throttle } = options;
  const stats: RequestStats = { total: 0, creating: 0, byRoute: {}, retries: 0, waitedMs: 0 };
  const seen = new Set<string>();
  const waited = (ms: number, reason: string) => {
    stats.waitedMs += ms;
    options.onWait?.(ms, reason);
  };
  const octokit = new Octokit({
    baseUrl: options.apiUrl,
    userAgent: "lancer-seed",
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
  });
  let tokenFor: (refresh: boolean) => Promise<string> = async () => {
    throw new SeedError("no credentials");
  };
  let canRefresh = false;

  octokit.hook.wrap("request", async (request, endpoint) => {
    const method = String(endpoint.method);
    const url = String(endpoint.url);
    const route = `${method} ${url}`;
    const headers = endpoint.headers as Record<string, string | undefined>;
    const ownAuth = headers.authorization === undefined;
    const creating = isCreating(method, url);
    let refreshed = false;
    for (let attempt = 0; ; attempt += 1) {
      if (creating) await throttle.acquire(waited);
      // After a wait (which may outlast a token), the current token is asked for again.
      if (ownAuth) headers.authorization = `token ${await tokenFor(false)}`;
      stats.total += 1;
      if (creating) stats.creating += 1;
      stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
      try {
        return await request(endpoint);
      } catch (error) {
        const status = statusOf(error) ?? 0;
        if (status === 401 && ownAuth && canRefresh && !refreshed) {
          refreshed = true;
          await tokenFor(true); // the next attempt sends the token minted now
          continue;
        }
        const response = (
          error as { response?: { headers?: Record<string, string | number | undefined> } }
        ).response;
        const message = (error as Error).message;
        const wait = response
          ? rateLimitWait({ status, headers: response.headers ?? {}, message }, clock.now())
          : undefined;
        if (!wait) throw error;
        if (attempt >= options.maxRetries) {
          const where = octokit.request.endpoint.parse(endpoint).url.replace(options.apiUrl, "");
          throw new SeedError(
            `${method} ${where}: still refused by ${wait.reason} after ${options.maxRetries} retries (${status}: ${redact(message, [...seen])})`,
          );
        }
        stats.retries += 1;
        waited(wait.ms, wait.reason);
        await clock.sleep(wait.ms);
      }
    }
  });

  let login: string | undefined;
  if ("token" in options.auth) {
    const token = options.auth.token;
    seen.add(token);
    tokenFor = async () => token;
    login = await whoAmI(octokit);
  } else {
    const appId = options.auth.appId;
    const appAuth = createAppAuth({
      appId,
      privateKey: options.auth.privateKey,
      request: octokit.request,
    });
    const jwt = async () => `bearer ${(await appAuth({ type: "app" })).token}`;
    const installation = await octokit
      .request("GET /orgs/{org}/installation", {
        org: options.org,
        headers: { authorization: await jwt() },
      })
      .catch((error: unknown) => {
        throw new SeedError(
          statusOf(error) === 404
            ? `the app ${appId} is not installed on the org ${options.org} (install it on the org first)`
            : `cannot find the app's installation on ${options.org}: ${(error as Error).message}`,
        );
      });
    const { data: app } = await octokit.request("GET /app", {
      headers: { authorization: await jwt() },
    });
    login = app?.slug ? `${app.slug}[bot]` : undefined;
    const installationId = installation.data.id;
    tokenFor = async (refresh) => {
      // The token is minted again five minutes before it expires (by the injected clock), as
      // well as when GitHub refused it.
      const cached = await appAuth({ type: "installation", installationId, refresh });
      const stale = clock.now() >= Date.parse(cached.expiresAt) - RENEW_BEFORE_MS;
      const { token } =
        stale && !refresh
          ? await appAuth({ type: "installation", installationId, refresh: true })
          : cached;
      seen.add(token);
      return token;
    };
    canRefresh = true;
  }
  return {
    octokit,
    token: () => tokenFor(false),
    login,
    stats,
    secrets: () => [...seen],
  };
}

/** The token's user, or undefined for a token that has none (an installation token). */
async function whoAmI(octokit: Octokit): Promise<string | undefined> {
  try {
    const { data } = await octokit.request("GET /user");
    return data.login;
  } catch (error) {
    const status = statusOf(error);
    if (status === 401) throw new SeedError("the token was refused (401 Bad credentials)");
    if (status === 403 || status === 404) return undefined;
    throw error;
  }
}
