import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import {
  IncompleteResponseError,
  normalizeToolCall,
  readUsage,
  type ChatTurn,
} from "./chat-turn.ts";

interface PartialCall {
  id?: string;
  name: string;
  arguments: string;
}

/**
 * Puts streamed chunks back together into one answer: content pieces joined, tool-call pieces
 * joined by their index, usage from the final chunk. A stream that ends before any choice
 * says why it finished was cut short.
 */
export function assembleStream(chunks: readonly ChatCompletionChunk[], idPrefix: string): ChatTurn {
  let content = "";
  let sawContent = false;
  let finishReason: string | undefined;
  let usage: ChatTurn["usage"];
  const calls = new Map<number, PartialCall>();
  for (const chunk of chunks) {
    usage = readUsage(chunk.usage) ?? usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const delta = choice.delta ?? {};
    if (typeof delta.content === "string") {
      content += delta.content;
      sawContent = true;
    }
    for (const piece of delta.tool_calls ?? []) {
      const index = typeof piece.index === "number" ? piece.index : calls.size;
      const call = calls.get(index) ?? { name: "", arguments: "" };
      if (piece.id) call.id = piece.id;
      const name = piece.function?.name;
      // Some servers repeat the whole name in every piece; others send it once.
      if (name && name !== call.name) call.name += name;
      if (piece.function?.arguments) call.arguments += piece.function.arguments;
      calls.set(index, call);
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  if (!finishReason) {
    throw new IncompleteResponseError(
      `the stream ended before the model finished (${chunks.length} chunks, no finish_reason)`,
    );
  }
  const toolCalls = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, call]) =>
      normalizeToolCall(
        { id: call.id, function: { name: call.name, arguments: call.arguments } },
        `${idPrefix}_${index}`,
      ),
    );
  return {
    message: {
      role: "assistant",
      content: sawContent ? content : null,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
    finishReason,
    ...(usage ? { usage } : {}),
  };
}
