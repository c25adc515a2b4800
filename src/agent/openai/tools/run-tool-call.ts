import type { ChatCompletionMessageToolCall } from "openai/resources/chat/completions";
import { capText, type Tool, type ToolResult } from "./tool.ts";

export interface ToolCallOutcome {
  /** The tool's name as the model wrote it. */
  name: string;
  ok: boolean;
  /** What goes back to the model in the tool message. */
  text: string;
  final?: ToolResult["final"];
  durationMs: number;
}

/**
 * Runs one tool call of the model. Whatever goes wrong (unknown tool, arguments that are not
 * JSON, invalid fields, a refused path, a failing command) becomes an error text for the
 * model to read: a bad call never ends the attempt.
 */
export async function runToolCall(
  tools: readonly Tool[],
  call: ChatCompletionMessageToolCall,
  maxChars: number,
): Promise<ToolCallOutcome> {
  const started = performance.now();
  const done = (name: string, ok: boolean, text: string, final?: ToolResult["final"]) => ({
    name,
    ok,
    text: capText(text, maxChars),
    ...(final ? { final } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  if (call.type !== "function") {
    return done(String(call.type), false, `error: only function tools exist here`);
  }
  const name = call.function.name;
  const tool = tools.find((t) => t.name === name);
  if (!tool) {
    return done(
      name,
      false,
      `error: there is no tool "${name}"; the tools are ${tools.map((t) => t.name).join(", ")}`,
    );
  }
  let args: unknown;
  const raw = call.function.arguments;
  try {
    args = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch (error) {
    return done(
      name,
      false,
      `error: the arguments are not valid JSON (${(error as Error).message}); send one JSON object with the fields of ${name}`,
    );
  }
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return done(
      name,
      false,
      `error: the arguments must be one JSON object, got ${raw.slice(0, 200)}`,
    );
  }
  try {
    const result = await tool.run(args);
    return done(name, true, result.text, result.final);
  } catch (error) {
    return done(name, false, `error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
