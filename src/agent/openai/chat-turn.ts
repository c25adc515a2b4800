import type { ChatCompletionMessageFunctionToolCall } from "openai/resources/chat/completions";

/** One answer of the model, whichever way it arrived (streamed or not). */
export interface ChatTurn {
  message: {
    role: "assistant";
    content: string | null;
    tool_calls?: ChatCompletionMessageFunctionToolCall[];
  };
  /** `stop`, `tool_calls`, `length`, …: why the model stopped. */
  finishReason: string;
  /** Undefined when the endpoint reported none. */
  usage?: { prompt_tokens: number; completion_tokens: number };
}

/** The answer ended before the model finished (a cut stream, a cut body): worth asking again. */
export class IncompleteResponseError extends Error {
  override name = "IncompleteResponseError";
}

/** Token counts from an endpoint's `usage`, or undefined when it sent none or nonsense. */
export function readUsage(
  usage: { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined,
): ChatTurn["usage"] {
  if (!usage) return undefined;
  const count = (value: unknown) =>
    typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.round(value) : 0;
  return {
    prompt_tokens: count(usage.prompt_tokens),
    completion_tokens: count(usage.completion_tokens),
  };
}

/**
 * A tool call as the rest of the agent can rely on it: an id, type `function`, a name and
 * arguments as strings, whatever the endpoint left out.
 */
export function normalizeToolCall(
  raw: { id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } | null },
  fallbackId: string,
): ChatCompletionMessageFunctionToolCall {
  const args = raw.function?.arguments;
  return {
    id: typeof raw.id === "string" && raw.id !== "" ? raw.id : fallbackId,
    type: "function",
    function: {
      name: typeof raw.function?.name === "string" ? raw.function.name : "",
      arguments: typeof args === "string" ? args : args === undefined ? "" : JSON.stringify(args),
    },
  };
}
