import OpenAI, { APIConnectionError, APIError } from "openai";
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { assembleStream } from "./assemble-stream.ts";
import { displayUrl } from "./settings.ts";
import {
  IncompleteResponseError,
  normalizeToolCall,
  readUsage,
  type ChatTurn,
} from "./chat-turn.ts";

export interface ChatClientOptions {
  model: string;
  baseUrl: string;
  apiKey: string;
  stream: boolean;
  /**
   * Retries of a 408, 409, 429 or 5xx answer or a failed connection, done by the openai
   * package with exponential backoff (0.5 s doubling to 8 s), honouring `retry-after-ms` and
   * `retry-after` up to 60 s.
   */
  maxRetries: number;
  /** Retries of an answer cut short (a stream or body that ended early); the package has none. */
  incompleteRetries: number;
  /** Time limit of one request. */
  timeoutMs: number;
  /** Told about each retry of a cut answer. */
  onNote?: (text: string) => void;
}

/** The endpoint could not give an answer, retries included: the attempt cannot go on. */
export class EndpointError extends Error {
  override name = "EndpointError";
}

/** The conversation no longer fits the model's context: the model's limit, not a failure. */
export class ContextOverflowError extends Error {
  override name = "ContextOverflowError";
}

/**
 * How servers word a prompt longer than the model's context: OpenAI's error code
 * `context_length_exceeded`, vLLM's and others' "maximum context length is N tokens".
 */
const CONTEXT_OVERFLOW =
  /context_length_exceeded|maximum context length|context length exceeded|context window|prompt is too long/i;

export interface ChatClient {
  complete(
    messages: readonly ChatCompletionMessageParam[],
    tools: readonly ChatCompletionTool[],
  ): Promise<ChatTurn>;
}

/** Describes a failure without ever repeating the key. */
function describe(error: unknown, options: ChatClientOptions): string {
  const text = error instanceof Error ? error.message : String(error);
  const redacted = options.apiKey === "" ? text : text.split(options.apiKey).join("[key]");
  const where = displayUrl(options.baseUrl);
  if (error instanceof APIError && error.status !== undefined)
    return `${where} answered HTTP ${redacted}`;
  if (error instanceof APIConnectionError) return `${where} could not be reached: ${redacted}`;
  return `${where}: ${redacted}`;
}

/**
 * Talks to an OpenAI-compatible chat-completions endpoint through the openai package, streamed
 * or not. HTTP errors and failed connections are retried by the package; a cut answer is asked
 * again here. When nothing more can be tried, EndpointError.
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
    // The package logs to the console; Lancer records what matters in the trajectory.
    logLevel: "off",
  });
  let calls = 0;

  async function once(
    messages: readonly ChatCompletionMessageParam[],
    tools: readonly ChatCompletionTool[],
  ): Promise<ChatTurn> {
    calls += 1;
    const idPrefix = `call_${calls}`;
    const request = {
      model: options.model,
      messages: [...messages],
      ...(tools.length > 0 ? { tools: [...tools] } : {}),
    };
    if (options.stream) {
      const stream = await client.chat.completions.create({
        ...request,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      return assembleStream(chunks, idPrefix);
    }
    const response = await client.chat.completions.create(request);
    const choice = response.choices?.[0];
    if (!choice?.message) throw new IncompleteResponseError("the answer holds no choice");
    const toolCalls = (choice.message.tool_calls ?? []).map((call, index) =>
      normalizeToolCall(call, `${idPrefix}_${index}`),
    );
    const usage = readUsage(response.usage);
    return {
      message: {
        role: "assistant",
        content: typeof choice.message.content === "string" ? choice.message.content : null,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      },
      finishReason: choice.finish_reason ?? "stop",
      ...(usage ? { usage } : {}),
    };
  }

  return {
    async complete(messages, tools) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await once(messages, tools);
        } catch (error) {
          if (
            error instanceof APIError &&
            error.status === 400 &&
            CONTEXT_OVERFLOW.test(`${error.code ?? ""} ${error.message}`)
          ) {
            throw new ContextOverflowError(describe(error, options));
          }
          // HTTP and connection errors were already retried by the package.
          const cut = !(error instanceof APIError);
          if (cut && attempt < options.incompleteRetries) {
            options.onNote?.(`answer cut short, asking again: ${describe(error, options)}`);
            continue;
          }
          const tries = cut ? ` (${attempt + 1} tries)` : "";
          throw new EndpointError(`${describe(error, options)}${tries}`);
        }
      }
    },
  };
}
