import type { IncomingMessage, ServerResponse } from "node:http";
import { deliveryName, payloadProblem } from "./payload-shapes.ts";
import { declaredTooLarge, MAX_WEBHOOK_BYTES, readBodyUpTo } from "./webhook-body.ts";

/** A node request handler in the shape of Probot's createNodeMiddleware. */
export type NodeMiddleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next?: () => void,
) => boolean | void | Promise<boolean | void>;

export interface WebhookGuardOptions {
  /** Where webhooks are received (Probot's webhooksPath). */
  path: string;
  /** Checks `X-Hub-Signature-256` against the raw body, exactly as Probot will. */
  verify(body: string, signature: string): Promise<boolean>;
  /** Largest body read (default: GitHub's cap, MAX_WEBHOOK_BYTES). */
  maxBytes?: number;
  log?: { warn(message: string): void };
}

// What @octokit/webhooks checks before it reads a body; such requests are left to its answers.
const JSON_CONTENT_TYPE = /^\s*(application\/json)\s*(?:;|$)/u;
const REQUIRED_HEADERS = ["x-github-event", "x-hub-signature-256", "x-github-delivery"] as const;
const decoder = new TextDecoder("utf-8", { fatal: false });

/**
 * Wraps Probot's middleware so that bad deliveries are refused by name before any handler
 * runs: a body above GitHub's 25 MB cap is 413 (by Content-Length, or as soon as a chunked
 * body passes it); a correctly signed body that is not JSON, or whose payload lacks what the
 * app's handler for that event reads, is 400 with one line naming the problem. Everything
 * Probot refuses itself (path, method, content type, missing headers, bad signature) is left
 * to Probot, so the signature is always checked before the payload is looked at.
 */
export function guardWebhooks(
  middleware: NodeMiddleware,
  options: WebhookGuardOptions,
): NodeMiddleware {
  const limit = options.maxBytes ?? MAX_WEBHOOK_BYTES;
  const refuse = (response: ServerResponse, status: number, message: string, close = false) => {
    options.log?.warn(`webhook refused (${status}): ${message}`);
    const body = `${JSON.stringify({ error: message })}\n`;
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      ...(close ? { connection: "close" } : {}),
    });
    response.end(body);
    return true;
  };
  return async (request, response, next) => {
    if (request.method !== "POST" || pathOf(request.url) !== options.path)
      return middleware(request, response, next);
    const declared = declaredTooLarge(request, limit);
    if (declared !== undefined)
      return refuse(response, 413, `request body: ${declared} bytes; ${capText(limit)}`, true);
    const header = (name: string) => request.headers[name];
    const contentType = header("content-type");
    if (
      typeof contentType !== "string" ||
      !JSON_CONTENT_TYPE.test(contentType) ||
      REQUIRED_HEADERS.some((name) => header(name) === undefined)
    )
      return middleware(request, response, next);
    const raw = await readBodyUpTo(request, limit);
    if (raw === undefined)
      return refuse(
        response,
        413,
        `request body: more than ${limit} bytes; ${capText(limit)}`,
        true,
      );
    const body = decoder.decode(raw);
    // @octokit/webhooks takes a string `request.body` as the raw body instead of the stream.
    Object.assign(request, { body });
    const signature = String(header("x-hub-signature-256"));
    if (!(await options.verify(body, signature).catch(() => false)))
      return middleware(request, response, next);
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch (error) {
      return refuse(response, 400, `request body: not valid JSON (${(error as Error).message})`);
    }
    const event = String(header("x-github-event"));
    const problem = payloadProblem(event, payload);
    if (problem) {
      const id = String(header("x-github-delivery"));
      return refuse(response, 400, `${deliveryName(event, payload)} delivery ${id}: ${problem}`);
    }
    return middleware(request, response, next);
  };
}

function capText(limit: number): string {
  return `GitHub caps webhook payloads at 25 MB (at most ${limit} bytes are read)`;
}

/** The path of a request URL, trailing slashes removed, as @octokit/webhooks compares it. */
function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL((url ?? "/").replace(/\/+$/, "") || "/", "http://localhost").pathname;
  } catch {
    return undefined;
  }
}
