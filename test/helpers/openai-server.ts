import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One tool call the scripted model makes; a string `arguments` is sent as is (even broken). */
export interface ScriptedCall {
  name: string;
  arguments: unknown;
  id?: string;
}

export interface ScriptedUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** One answer of the scripted endpoint to one request. */
export type ScriptedResponse =
  | {
      content?: string;
      toolCalls?: ScriptedCall[];
      finishReason?: string;
      /** Token counts reported; default DEFAULT_USAGE. `null` reports none. */
      usage?: ScriptedUsage | null;
      /**
       * Cut the answer short: `cut` drops the connection halfway through, `end` ends the
       * response cleanly halfway through (a stream without finish_reason nor [DONE]).
       */
      truncate?: "cut" | "end";
    }
  | { status: number; retryAfter?: string; message?: string };

/** A conversation: the requests whose first user message contains `match` get `responses` in turn. */
export interface Script {
  match: string;
  responses: ScriptedResponse[];
}

export interface RecordedRequest {
  /** Milliseconds since the server started (performance clock). */
  at: number;
  /** The `match` of the script that answered, if any. */
  script: string | undefined;
  headers: IncomingHttpHeaders;
  raw: string;
  body: ChatRequestBody;
}

export interface ChatRequestBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages: Array<{
    role: string;
    content?: string | null;
    tool_call_id?: string;
    tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  }>;
  tools?: Array<{ function: { name: string } }>;
}

export interface ScriptedServer {
  /** The base URL to give the agent, ending in /v1. */
  url: string;
  requests: RecordedRequest[];
  /** Requests the scripts did not expect; a test asserts there are none. */
  problems: string[];
  /** The requests answered by one script, in order. */
  requestsFor(match: string): RecordedRequest[];
  close(): Promise<void>;
}

/** Token counts each scripted answer reports unless it says otherwise. */
export const DEFAULT_USAGE: ScriptedUsage = { prompt_tokens: 1000, completion_tokens: 100 };

/** The tool results (role `tool`) a request carried, in order: what the agent told the model. */
export function toolResults(request: RecordedRequest): string[] {
  return request.body.messages.filter((m) => m.role === "tool").map((m) => m.content ?? "");
}

function firstUserMessage(body: ChatRequestBody): string {
  return body.messages.find((m) => m.role === "user")?.content ?? "";
}

function toolCallsOf(response: { toolCalls?: ScriptedCall[] }, step: number) {
  return (response.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_s${step}_${index}`,
    type: "function" as const,
    function: {
      name: call.name,
      arguments:
        typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
}

function streamChunks(
  response: Exclude<ScriptedResponse, { status: number }>,
  step: number,
  model: string,
  includeUsage: boolean,
): string[] {
  const base = { id: `chatcmpl-${step}`, object: "chat.completion.chunk", created: 0, model };
  const chunk = (delta: object, finish: string | null = null) =>
    JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  const chunks = [chunk({ role: "assistant", content: null })];
  if (response.content) {
    const half = Math.ceil(response.content.length / 2);
    chunks.push(chunk({ content: response.content.slice(0, half) }));
    chunks.push(chunk({ content: response.content.slice(half) }));
  }
  toolCallsOf(response, step).forEach((call, index) => {
    const args = call.function.arguments;
    const half = Math.ceil(args.length / 2);
    chunks.push(
      chunk({
        tool_calls: [
          {
            index,
            id: call.id,
            type: "function",
            function: { name: call.function.name, arguments: "" },
          },
        ],
      }),
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] }),
      chunk({ tool_calls: [{ index, function: { arguments: args.slice(half) } }] }),
    );
  });
  const finish = response.finishReason ?? (response.toolCalls?.length ? "tool_calls" : "stop");
  chunks.push(chunk({}, finish));
  const usage = response.usage === undefined ? DEFAULT_USAGE : response.usage;
  if (includeUsage && usage) chunks.push(JSON.stringify({ ...base, choices: [], usage }));
  return chunks.map((c) => `data: ${c}\n\n`).concat("data: [DONE]\n\n");
}

function completionBody(
  response: Exclude<ScriptedResponse, { status: number }>,
  step: number,
  model: string,
): string {
  const calls = toolCallsOf(response, step);
  const usage = response.usage === undefined ? DEFAULT_USAGE : response.usage;
  return JSON.stringify({
    id: `chatcmpl-${step}`,
    object: "chat.completion",
    created: 0,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: response.content ?? null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        finish_reason: response.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop"),
      },
    ],
    ...(usage
      ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }
      : {}),
  });
}

function sendError(res: ServerResponse, status: number, message: string, retryAfter?: string) {
  res.writeHead(status, {
    "content-type": "application/json",
    ...(retryAfter === undefined ? {} : { "retry-after": retryAfter }),
  });
  res.end(JSON.stringify({ error: { message, type: "scripted", code: status } }));
}

/**
 * An OpenAI-compatible chat-completions endpoint on 127.0.0.1 that replays scripted
 * conversations, streamed (SSE) or not as each request asks, and records every request.
 */
export async function startOpenAiServer(scripts: readonly Script[]): Promise<ScriptedServer> {
  const started = performance.now();
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  const cursors = new Map<string, number>();
  let steps = 0;

  const server = createServer((req, res) => {
    const pieces: Buffer[] = [];
    req.on("data", (piece: Buffer) => pieces.push(piece));
    req.on("end", () => {
      const raw = Buffer.concat(pieces).toString("utf8");
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
        problems.push(`unexpected ${req.method} ${req.url}`);
        return sendError(res, 404, `no route ${req.method} ${req.url}`);
      }
      let body: ChatRequestBody;
      try {
        body = JSON.parse(raw) as ChatRequestBody;
      } catch {
        problems.push("a request body that is not JSON");
        return sendError(res, 400, "body is not JSON");
      }
      const first = firstUserMessage(body);
      const script = scripts.find((s) => first.includes(s.match));
      requests.push({
        at: performance.now() - started,
        script: script?.match,
        headers: req.headers,
        raw,
        body,
      });
      if (!script) {
        problems.push(`no script matches: ${first.slice(0, 120)}`);
        return sendError(res, 400, "no script for this conversation");
      }
      const index = cursors.get(script.match) ?? 0;
      cursors.set(script.match, index + 1);
      const response = script.responses[index];
      if (!response) {
        problems.push(`script "${script.match}" has no response ${index + 1}`);
        return sendError(res, 400, "script exhausted");
      }
      if ("status" in response) {
        return sendError(
          res,
          response.status,
          response.message ?? `scripted ${response.status}`,
          response.retryAfter,
        );
      }
      steps += 1;
      const model = body.model ?? "scripted";
      if (body.stream) {
        const chunks = streamChunks(
          response,
          steps,
          model,
          body.stream_options?.include_usage === true,
        );
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        const sent = response.truncate ? chunks.slice(0, Math.ceil(chunks.length / 2)) : chunks;
        if (response.truncate === "cut") res.write(sent.join(""), () => res.socket?.destroy());
        else res.end(sent.join(""));
        return;
      }
      const text = completionBody(response, steps, model);
      if (response.truncate) {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(text)),
        });
        // A body shorter than its content-length can only end with a dropped connection.
        res.write(text.slice(0, Math.ceil(text.length / 2)), () => res.socket?.destroy());
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    problems,
    requestsFor: (match) => requests.filter((r) => r.script === match),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
