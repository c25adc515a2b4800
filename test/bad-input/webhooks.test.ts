import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PAYLOAD_SHAPES, payloadProblem } from "../../src/app/payload-shapes.ts";
import { startBot } from "../../src/app/start-bot.ts";
import { MAX_WEBHOOK_BYTES } from "../../src/app/webhook-body.ts";
import { validateWebhook } from "../helpers/github-contract.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { expectNamedError } from "./harness.ts";

// Real signed deliveries to a really started app, whose GitHub is a real sandbox: "no handler
// ran" is read off the sandbox's request counts (a handler's first step is a REST call).

const fx = await startSandboxFixture();
const secret = randomBytes(24).toString("hex");
const bot = await startBot(
  {
    appId: fx.running.app.id,
    privateKey: readFileSync(fx.running.app.privateKeyPath, "utf8"),
    webhookSecret: secret,
    githubUrl: fx.running.url,
    port: 0,
    host: "127.0.0.1",
    graderRepo: "lancer-grader",
  },
  { logLevel: "fatal", throttle: false },
);
afterAll(() => bot.close());
const target = new URL(bot.webhookUrl);
const org = fx.running.org;

function sign(body: string | Buffer, key = secret): string {
  return `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;
}

/** Every REST request the sandbox has answered (the app's handlers make the only ones here). */
function sandboxRequests(): number {
  return [...fx.running.sandbox.stats.byRoute.values()].reduce((a, b) => a + b, 0);
}

interface Answer {
  status: number;
  text: string;
  /** The `error` of a JSON answer (Probot's shape, and the guard's). */
  error: string | undefined;
}

/** Delivers a webhook as GitHub does; `omit` drops headers, `signature` overrides the HMAC. */
async function deliver(
  event: string,
  payload: unknown,
  options: {
    raw?: string;
    id?: string;
    signature?: string;
    contentType?: string;
    omit?: string[];
  } = {},
): Promise<Answer> {
  const body = options.raw ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/json",
    "x-github-event": event,
    "x-github-delivery": options.id ?? randomUUID(),
    "x-hub-signature-256": options.signature ?? sign(body),
  };
  for (const name of options.omit ?? []) delete headers[name];
  const response = await fetch(bot.webhookUrl, { method: "POST", headers, body });
  const text = await response.text();
  let error: string | undefined;
  try {
    error = (JSON.parse(text) as { error?: string }).error;
  } catch {
    error = undefined;
  }
  return { status: response.status, text, error };
}

/** Asserts an answer refused with `status` and exactly `message`, and that no handler ran. */
async function expectRefused(
  answer: Promise<Answer>,
  status: number,
  message: string | RegExp,
): Promise<void> {
  const before = sandboxRequests();
  const { status: got, error, text } = await answer;
  expect(got, text).toBe(status);
  if (typeof message === "string") expect(error).toBe(message);
  else expect(error).toMatch(message);
  expectNamedError(text);
  expect(text).not.toMatch(/SyntaxError|TypeError/);
  expect(sandboxRequests()).toBe(before);
  expect(bot.tracker.active).toBe(0);
}

// --- valid payloads, built from @octokit/webhooks-schemas (the package ships no examples) ---

type Json = Record<string, unknown>;
const require = createRequire(import.meta.url);
const definitions = (
  JSON.parse(readFileSync(require.resolve("@octokit/webhooks-schemas/schema.json"), "utf8")) as {
    definitions: Record<string, Json>;
  }
).definitions;

/** required: required properties, first non-null choice; nulls: null wherever allowed; full: every property. */
type Variant = "required" | "nulls" | "full";

function resolved(node: Json): Json {
  if (typeof node.$ref === "string") return resolved(definitions[node.$ref.split("/").pop()!]!);
  if (!Array.isArray(node.allOf)) return node;
  // allOf: properties and required of every part; a later part narrows an earlier one.
  const out: Json = { properties: {}, required: [] };
  for (const part of [{ ...node, allOf: undefined }, ...(node.allOf as Json[]).map(resolved)]) {
    Object.assign(out.properties as Json, part.properties ?? {});
    (out.required as string[]).push(...((part.required as string[] | undefined) ?? []));
    for (const key of ["type", "enum", "const", "format", "oneOf", "anyOf", "items"])
      if (part[key] !== undefined) out[key] = part[key];
  }
  return out;
}

/** A payload that satisfies a schema node, the way `variant` says. */
function example(schema: Json, variant: Variant): unknown {
  const node = resolved(schema);
  const isNull = (option: Json) => resolved(option).type === "null";
  const choices = (node.oneOf ?? node.anyOf) as Json[] | undefined;
  if (choices) {
    const pick =
      (variant === "nulls" ? choices.find(isNull) : undefined) ??
      choices.find((c) => !isNull(c)) ??
      choices[0]!;
    return example(pick, variant);
  }
  if ("const" in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum[0];
  let type = node.type;
  if (Array.isArray(type))
    type = variant === "nulls" && type.includes("null") ? "null" : type.find((t) => t !== "null");
  if (type === "null") return null;
  if (type === "boolean") return false;
  if (type === "integer" || type === "number")
    return typeof node.minimum === "number" ? node.minimum : 1;
  if (type === "string") {
    if (node.format === "date-time") return "2024-01-01T00:00:00Z";
    if (node.format === "uri" || node.format === "uri-template") return "https://example.com/x";
    return node.format === "email" ? "a@example.com" : "x";
  }
  if (type === "array") {
    const count = typeof node.minItems === "number" ? node.minItems : 0;
    return Array.from({ length: count }, () => example(node.items as Json, variant));
  }
  const properties = (node.properties ?? {}) as Record<string, Json>;
  const keys =
    variant === "full" ? Object.keys(properties) : ((node.required as string[] | undefined) ?? []);
  return Object.fromEntries(
    keys.map((key) => [key, properties[key] ? example(properties[key], variant) : "x"]),
  );
}

/** `pull_request.opened` → its schema-valid example (validated against the schema here). */
function exampleOf(name: string, variant: Variant): Json {
  const [event, action] = name.split(".") as [string, string | undefined];
  const payload = example(
    { $ref: `#/definitions/${action ? `${event}$${action}` : `${event}$event`}` },
    variant,
  ) as Json;
  validateWebhook(event, action ?? null, payload);
  return payload;
}

/** A valid delivery of a handled event, about a repository of the sandbox's org. */
function valid(name: string): Json {
  const payload = exampleOf(name, "required");
  Object.assign(payload.repository as Json, {
    name: "some-repo",
    full_name: `${org}/some-repo`,
    html_url: `${fx.running.url}/${org}/some-repo`,
    owner: { ...((payload.repository as Json).owner as Json), login: org },
  });
  return payload;
}

/** A copy of `payload` with one field (a dotted path) set, or removed when `value` is undefined. */
function withField(payload: Json, dotted: string, value: unknown): Json {
  const copy = structuredClone(payload);
  const keys = dotted.split(".");
  let at = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Json;
  if (value === undefined) delete at[keys.at(-1)!];
  else at[keys.at(-1)!] = value;
  return copy;
}

describe("webhooks: payload shapes of the events the app handles", () => {
  it("refuses a signed pull_request.opened without pull_request: 400 naming it, no handler runs (was 500 TypeError)", async () => {
    const id = "delivery-pr-1";
    await expectRefused(
      deliver("pull_request", withField(valid("pull_request.opened"), "pull_request", undefined), {
        id,
      }),
      400,
      `pull_request.opened delivery ${id}: payload.pull_request: expected an object`,
    );
  });

  it("names a field of the wrong type deep in the payload: payload.pull_request.head.sha", async () => {
    const payload = withField(valid("pull_request.synchronize"), "pull_request.head.sha", 42);
    await expectRefused(
      deliver("pull_request", payload, { id: "d-sha" }),
      400,
      "pull_request.synchronize delivery d-sha: payload.pull_request.head.sha: expected a string, got number 42",
    );
  });

  it("names a pull_request that is null: payload.pull_request", async () => {
    await expectRefused(
      deliver("pull_request", withField(valid("pull_request.reopened"), "pull_request", null), {
        id: "d-null",
      }),
      400,
      "pull_request.reopened delivery d-null: payload.pull_request: expected an object, got null",
    );
  });

  it("names a repository.html_url that is not a URL (the handler builds a URL from it)", async () => {
    const payload = withField(valid("pull_request.opened"), "repository.html_url", "not a url");
    await expectRefused(
      deliver("pull_request", payload, { id: "d-url" }),
      400,
      "pull_request.opened delivery d-url: payload.repository.html_url: expected an absolute URL",
    );
  });

  it("names a workflow_run.completed without repository", async () => {
    await expectRefused(
      deliver("workflow_run", withField(valid("workflow_run.completed"), "repository", undefined), {
        id: "d-run",
      }),
      400,
      "workflow_run.completed delivery d-run: payload.repository: expected an object",
    );
  });

  it("names an issue_comment.created whose comment.body is not a string", async () => {
    const payload = withField(valid("issue_comment.created"), "comment.body", ["/select 1"]);
    await expectRefused(
      deliver("issue_comment", payload, { id: "d-comment" }),
      400,
      "issue_comment.created delivery d-comment: payload.comment.body: expected a string, got an array",
    );
  });

  it("names a pull_request_review.submitted whose review has no state", async () => {
    const payload = withField(valid("pull_request_review.submitted"), "review.state", undefined);
    await expectRefused(
      deliver("pull_request_review", payload, { id: "d-review" }),
      400,
      "pull_request_review.submitted delivery d-review: payload.review.state: expected a string",
    );
  });

  it("names a push without ref", async () => {
    await expectRefused(
      deliver("push", withField(valid("push"), "ref", undefined), { id: "d-push" }),
      400,
      "push delivery d-push: payload.ref: expected a string",
    );
  });

  it("names a handled event whose action is missing: payload.action", async () => {
    await expectRefused(
      deliver("pull_request", withField(valid("pull_request.opened"), "action", undefined), {
        id: "d-action",
      }),
      400,
      "pull_request delivery d-action: payload.action: expected a string",
    );
  });

  it("refuses a payload that is not a JSON object, whatever the event", async () => {
    await expectRefused(
      deliver("star", [1, 2], { id: "d-array" }),
      400,
      "star delivery d-array: payload: expected a JSON object, got an array",
    );
  });

  it("names every problem of a payload missing much, on one line", async () => {
    const { error, status } = await deliver(
      "issue_comment",
      { action: "created" },
      { id: "d-many" },
    );
    expect(status).toBe(400);
    expect(error).toBe(
      "issue_comment.created delivery d-many: payload.repository: expected an object; payload.comment: expected an object; payload.issue: expected an object",
    );
  });
});

describe("webhooks: the body, the headers and the signature", () => {
  it("answers a signed malformed JSON body 400 naming the problem, without SyntaxError", async () => {
    await expectRefused(
      deliver("pull_request", undefined, { raw: '{"action": "opened",' }),
      400,
      /^request body: not valid JSON \(.+\)$/,
    );
  });

  it("checks the signature first: malformed JSON with a bad signature gets Probot's signature error", async () => {
    await expectRefused(
      deliver("pull_request", undefined, { raw: "{not json", signature: sign("other") }),
      400,
      "Error: [@octokit/webhooks] signature does not match event payload and secret",
    );
  });

  it("checks the signature first: a bad shape signed with another secret gets the signature error", async () => {
    const raw = JSON.stringify({ action: "opened" });
    await expectRefused(
      deliver("pull_request", undefined, { raw, signature: sign(raw, "x".repeat(40)) }),
      400,
      "Error: [@octokit/webhooks] signature does not match event payload and secret",
    );
  });

  it("names a missing X-GitHub-Event header (Probot's answer)", async () => {
    await expectRefused(
      deliver("pull_request", valid("pull_request.opened"), { omit: ["x-github-event"] }),
      400,
      "Required headers missing: x-github-event",
    );
  });

  it("names a missing X-Hub-Signature-256 header (Probot's answer)", async () => {
    await expectRefused(
      deliver("pull_request", { action: "opened" }, { omit: ["x-hub-signature-256"] }),
      400,
      "Required headers missing: x-hub-signature-256",
    );
  });

  it("refuses a body that is not application/json with 415 naming Content-Type", async () => {
    await expectRefused(
      deliver("pull_request", valid("pull_request.opened"), {
        contentType: "application/x-www-form-urlencoded",
      }),
      415,
      'Unsupported "Content-Type" header value. Must be "application/json"',
    );
  });

  it("refuses 25 MB + 1 byte by Content-Length with 413, before reading the body", async () => {
    const before = sandboxRequests();
    // Only the headers are sent: the answer comes without a byte of the body.
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": String(MAX_WEBHOOK_BYTES + 1),
            "x-github-event": "push",
            "x-github-delivery": "d-big",
            "x-hub-signature-256": sign("{}"),
          },
        },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({
      error: `request body: ${MAX_WEBHOOK_BYTES + 1} bytes; GitHub caps webhook payloads at 25 MB (at most ${MAX_WEBHOOK_BYTES} bytes are read)`,
    });
    expect(sandboxRequests()).toBe(before);
  });

  it("refuses a chunked body as soon as it passes 25 MB, with 413", async () => {
    const before = sandboxRequests();
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const answer = await new Promise<{ status: number; text: string }>((resolve) => {
      const req = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "push",
            "x-github-delivery": "d-chunked",
            "x-hub-signature-256": sign("{}"),
          },
        },
        (response) => {
          let text = "";
          response.on("data", (c: Buffer) => (text += c.toString()));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      // The server stops reading once over the cap: writes after its answer may fail.
      req.on("error", () => undefined);
      let sent = 0;
      const write = (): void => {
        while (sent < 30) {
          sent += 1;
          if (!req.write(chunk)) {
            req.once("drain", write);
            return;
          }
        }
        req.end();
      };
      write();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({
      error: `request body: more than ${MAX_WEBHOOK_BYTES} bytes; GitHub caps webhook payloads at 25 MB (at most ${MAX_WEBHOOK_BYTES} bytes are read)`,
    });
    expect(sandboxRequests()).toBe(before);
  });

  it("reads a body of exactly 25 MB (GitHub's cap is not refused)", async () => {
    const json = JSON.stringify({ action: "created", starred_at: null });
    const raw = json + " ".repeat(MAX_WEBHOOK_BYTES - json.length);
    const { status, text } = await deliver("star", undefined, { raw });
    expect(status, text).toBe(200);
  });
});

describe("webhooks: what the app does not handle, and valid deliveries", () => {
  it("answers 2xx to an event the app does not handle, whatever its fields", async () => {
    const { status, text } = await deliver("star", { action: "created", anything: [1] });
    expect(status, text).toBe(200);
  });

  it("answers 2xx to an action of a handled event that the app does not handle", async () => {
    const before = sandboxRequests();
    const { status } = await deliver("pull_request", { action: "closed" });
    expect(status).toBe(200);
    expect(sandboxRequests()).toBe(before);
  });

  it("lets a valid command comment through to its handler (the control: it asks the sandbox)", async () => {
    const before = sandboxRequests();
    let payload = withField(valid("issue_comment.created"), "comment.body", "/lancer status");
    payload = withField(payload, "comment.user.type", "User");
    Object.assign(payload, { installation: { id: fx.running.app.installationId } });
    const { status, text } = await deliver("issue_comment", payload);
    expect(status, text).toBe(200);
    expect(sandboxRequests()).toBeGreaterThan(before);
  });

  it("accepts schema-built examples of every handled event, in three variants", () => {
    for (const name of Object.keys(PAYLOAD_SHAPES)) {
      const event = name.split(".")[0]!;
      const variants = (["required", "nulls", "full"] as const).map((v) => exampleOf(name, v));
      expect(JSON.stringify(variants[1])).not.toBe(JSON.stringify(variants[2]));
      for (const payload of variants) expect(payloadProblem(event, payload), name).toBeUndefined();
    }
  });

  it("delivers a schema-built example of every handled event to the app: 2xx", async () => {
    for (const name of Object.keys(PAYLOAD_SHAPES)) {
      const { status, text } = await deliver(name.split(".")[0]!, valid(name));
      expect(status, `${name}: ${text}`).toBe(200);
    }
  });

  it("has a payload shape for every event.action lancer-app.ts registers", () => {
    const source = readFileSync(
      path.resolve(import.meta.dirname, "../../src/app/lancer-app.ts"),
      "utf8",
    );
    const registered = [
      ...source.matchAll(
        /"((?:pull_request_review|pull_request|workflow_run|issue_comment|push)(?:\.[a-z_]+)?)"/g,
      ),
    ].map((m) => m[1]!);
    expect(registered.length).toBeGreaterThan(0);
    expect(new Set(registered)).toEqual(new Set(Object.keys(PAYLOAD_SHAPES)));
  });
});
