import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { JwtError } from "../auth/jwt.ts";
import { rateLimitKey, resolvePrincipal } from "../auth/resolve-principal.ts";
import type { Sandbox } from "../sandbox.ts";
import { ApiError, notFound } from "./api-error.ts";

const API_PREFIX = "/api/v3";
const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** Smart HTTP git paths: `/<owner>/<repo>.git/<rest>`. */
export const GIT_PATH = /^\/([^/]+)\/([^/]+?)\.git(\/.*)?$/;

export type GitHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  match: RegExpExecArray,
) => Promise<void>;

/** 413, and the connection closed: the rest of a body too large is never read. */
const tooLarge = () =>
  new ApiError(413, "Request body too large", { headers: { connection: "close" } });

/** Reads a body up to MAX_BODY_BYTES: a larger Content-Length is refused unread. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData);
      request.pause();
      reject(tooLarge());
    };
    request.on("data", onData);
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  // A handler that names a content type other than JSON (raw logs) sends its string as is.
  const raw =
    typeof body === "string" &&
    headers["content-type"] !== undefined &&
    !headers["content-type"].includes("json");
  const text = body === undefined ? "" : raw ? body : JSON.stringify(body);
  response.writeHead(status, {
    ...(body === undefined || raw ? {} : { "content-type": "application/json; charset=utf-8" }),
    "x-github-media-type": "github.v3; format=json",
    "x-github-request-id": "SANDBOX",
    ...headers,
  });
  response.end(text);
}

/** Content-creating requests for GitHub's secondary limits: anything that is not a read. */
function createsContent(method: string): boolean {
  return method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE";
}

/** Answers API requests (below `/api/v3`) through the router and git requests through `git`. */
export function createSandboxServer(sandbox: Sandbox, git: GitHandler): Server {
  const limiter = sandbox.limiter;
  return createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, { message: `sandbox error: ${(error as Error).message}` }, {});
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", sandbox.url);
    const gitMatch = GIT_PATH.exec(url.pathname);
    if (gitMatch) return git(request, response, gitMatch);
    if (url.pathname === "/_sandbox/stats") return send(response, 200, statsBody(sandbox), {});
    if (!url.pathname.startsWith(API_PREFIX)) return send(response, 404, notFound().body(), {});
    const path = url.pathname.slice(API_PREFIX.length) || "/";
    const method = (request.method ?? "GET").toUpperCase();
    let headers: Record<string, string> = {};
    try {
      const principal = resolvePrincipal(sandbox.store, request.headers);
      const tokenKey = rateLimitKey(request.headers);
      headers = limiter.primary(tokenKey);
      const route = sandbox.router.find(method, path);
      if (!route) throw notFound();
      count(sandbox.stats.byRoute, `${method} ${route.template}`);
      count(sandbox.stats.byToken, principal.kind === "anonymous" ? "anonymous" : tokenKey);
      const raw = await readBody(request);
      let body: unknown;
      if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          throw new ApiError(400, "Problems parsing JSON");
        }
      }
      sandbox.stats.trace?.({
        method,
        route: route.template,
        path: decodeURIComponent(path),
        body,
        principal: principal.kind,
        userAgent: String(request.headers["user-agent"] ?? ""),
      });
      if (sandbox.limits.secondary.enabled && createsContent(method))
        limiter.secondary(tokenKey, sandbox.limits.secondary);
      const reply = await route.handler({
        method,
        path,
        params: route.params,
        query: url.searchParams,
        headers: request.headers,
        body,
        principal,
        sandbox,
      });
      send(response, reply.status, reply.body, { ...headers, ...reply.headers });
    } catch (caught) {
      // An app JWT that cannot even be decoded is GitHub's 401, not a sandbox error.
      const error =
        caught instanceof JwtError
          ? new ApiError(401, "A JSON web token could not be decoded")
          : caught;
      if (!(error instanceof ApiError)) throw error;
      send(response, error.status, error.body(), { ...headers, ...error.headers });
    }
  }
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Request counts per route and per token (the token shown by its first characters only),
 * at `/_sandbox/stats`: not a GitHub endpoint, for reports on API economy.
 */
function statsBody(sandbox: Sandbox): Record<string, unknown> {
  const byToken: Record<string, number> = {};
  for (const [token, n] of sandbox.stats.byToken)
    byToken[token === "anonymous" ? token : `${token.slice(0, 8)}…`] = n;
  return { by_route: Object.fromEntries(sandbox.stats.byRoute), by_token: byToken };
}
