import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import type { Budget } from "./budget.ts";
import { ContextOverflowError, type ChatClient } from "./chat-client.ts";
import { nudge } from "./prompt.ts";
import type { TrajectoryWriter } from "./trajectory.ts";
import { runToolCall, type Tool, type ToolResult } from "./tools/index.ts";

/** How often a model that answers without a tool call is reminded before the attempt ends. */
const MAX_NUDGES = 2;

export interface LoopOptions {
  client: ChatClient;
  tools: readonly Tool[];
  opening: readonly ChatCompletionMessageParam[];
  budget: Budget;
  trajectory: TrajectoryWriter;
  kind: "ic" | "manager";
  maxOutputChars: number;
  /** Reads a final answer from a reply without tool calls (manager tasks), if any. */
  textAnswer?: (content: string) => ToolResult["final"] | undefined;
}

export interface LoopResult {
  /** The answer the model gave (submit, select_proposal), if it gave one. */
  final?: ToolResult["final"];
  /** Why the loop ended: an answer, a spent budget, a full context, or no more tool calls. */
  stop: "final" | "budget" | "context" | "no-tool-calls";
  detail: string;
}

/**
 * The tool-using conversation: ask the model, run the tools it calls, send back the results,
 * until it gives its final answer, stops calling tools, the budget is spent or the context is
 * full. Errors of the endpoint (EndpointError) propagate; everything the model gets wrong goes
 * back to it as text.
 */
export async function runLoop(options: LoopOptions): Promise<LoopResult> {
  const { client, budget, trajectory } = options;
  const messages: ChatCompletionMessageParam[] = [];
  const add = async (
    message: ChatCompletionMessageParam,
    tool?: { name: string; ok: boolean; duration_ms: number },
  ) => {
    messages.push(message);
    await trajectory.record({ type: "message", message, ...(tool ? { tool } : {}) });
  };
  for (const message of options.opening) await add(message);
  const definitions: ChatCompletionTool[] = options.tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
  let nudges = 0;
  for (;;) {
    const spent = budget.exhausted();
    if (spent) {
      await trajectory.record({ type: "note", text: `stopped: ${spent}` });
      return { stop: "budget", detail: spent };
    }
    let turn;
    try {
      turn = await client.complete(messages, definitions);
    } catch (error) {
      if (!(error instanceof ContextOverflowError)) throw error;
      const detail = `the conversation outgrew the model's context: ${error.message}`;
      await trajectory.record({ type: "note", text: `stopped: ${detail}` });
      return { stop: "context", detail };
    }
    budget.spend(turn.usage);
    await trajectory.record({
      type: "usage",
      step: budget.steps,
      prompt_tokens: turn.usage?.prompt_tokens ?? 0,
      completion_tokens: turn.usage?.completion_tokens ?? 0,
      reported: turn.usage !== undefined,
      total: budget.usage(),
    });
    await add(turn.message);
    const calls = turn.message.tool_calls ?? [];
    if (calls.length === 0) {
      const answer = options.textAnswer?.(turn.message.content ?? "");
      if (answer) return { final: answer, stop: "final", detail: "answered in text" };
      nudges += 1;
      if (nudges > MAX_NUDGES) {
        const detail = `the model stopped calling tools (finish_reason ${turn.finishReason})`;
        await trajectory.record({ type: "note", text: detail });
        return { stop: "no-tool-calls", detail };
      }
      await add({ role: "user", content: nudge(options.kind) });
      continue;
    }
    let final: ToolResult["final"];
    for (const call of calls) {
      if (final) {
        // Every call needs an answer for the conversation to stay well-formed.
        await add({ role: "tool", tool_call_id: call.id, content: "not run: the task has ended" });
        continue;
      }
      const outcome = await runToolCall(options.tools, call, options.maxOutputChars);
      final = outcome.final;
      await add(
        { role: "tool", tool_call_id: call.id, content: outcome.text },
        { name: outcome.name, ok: outcome.ok, duration_ms: outcome.durationMs },
      );
    }
    if (final)
      return {
        final,
        stop: "final",
        detail: `called ${final.kind === "submit" ? "submit" : "select_proposal"}`,
      };
  }
}
