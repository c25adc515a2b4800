import path from "node:path";
import { AgentError, type Agent } from "../../core/agent.ts";
import type { PublicTask } from "../../core/task/schema.ts";
import { workspaceDiff } from "../workspace-diff.ts";
import { Budget } from "./budget.ts";
import { createChatClient, EndpointError, type ChatClient } from "./chat-client.ts";
import { parseTextAnswer } from "./parse-text-answer.ts";
import { BUILT_IN_PRICES, priceFor } from "./prices.ts";
import { openingMessages } from "./prompt.ts";
import { runLoop, type LoopOptions, type LoopResult } from "./run-loop.ts";
import { displayUrl, parseSettings, type OpenAiAgentSettingsInput } from "./settings.ts";
import { openTrajectory, type TrajectoryWriter } from "./trajectory.ts";
import { icTools, managerTools, type Tool } from "./tools/index.ts";

export interface OpenAiAgentOptions extends OpenAiAgentSettingsInput {
  /** Told about things a person should know (an unknown price, a retried answer). */
  onNote?: (text: string) => void;
}

/**
 * Lancer's own agent: a tool-using conversation with any OpenAI-compatible chat-completions
 * endpoint (OpenAI, vLLM, Ollama, LiteLLM…). IC tasks are worked on in the task's checkout with
 * file, search, edit, patch and shell tools; the workspace's diff is the patch. Manager tasks
 * are answered with select_proposal. Every attempt's trajectory is written as JSONL, and its
 * tokens and cost are reported as the submission's usage. An endpoint that keeps failing ends
 * the attempt with AgentError (verdict `error`), never a $0 fail.
 */
export function createOpenAiAgent(options: OpenAiAgentOptions): Agent {
  const { onNote, ...input } = options;
  const settings = parseSettings(input);
  const price = priceFor(settings.model, { ...BUILT_IN_PRICES, ...settings.prices });
  const priceNote = price
    ? undefined
    : `no price is known for model "${settings.model}": its cost is recorded as $0 (give prices with --prices FILE)`;
  if (priceNote) onNote?.(priceNote);
  const name = settings.name ?? `openai:${settings.model}`;

  async function attempt(
    task: PublicTask,
    tools: readonly Tool[],
    textAnswer?: LoopOptions["textAnswer"],
  ): Promise<{ result: LoopResult; budget: Budget; trajectory: TrajectoryWriter }> {
    const trajectory = await openTrajectory(settings.trajectoryDir, task.id);
    const budget = new Budget(
      {
        maxSteps: settings.maxSteps,
        maxTokens: settings.maxTokens,
        maxCostUsd: settings.maxCostUsd,
      },
      price,
    );
    await trajectory.record({
      type: "start",
      task_id: task.id,
      kind: task.kind,
      model: settings.model,
      base_url: displayUrl(settings.baseUrl),
      stream: settings.stream,
      limits: {
        max_steps: settings.maxSteps,
        max_tokens: settings.maxTokens ?? null,
        max_cost_usd: settings.maxCostUsd ?? null,
      },
    });
    if (priceNote) await trajectory.record({ type: "note", text: priceNote });
    const notes: Promise<void>[] = [];
    const client: ChatClient = createChatClient({
      model: settings.model,
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      stream: settings.stream,
      maxRetries: settings.maxRetries,
      incompleteRetries: settings.incompleteRetries,
      timeoutMs: settings.requestTimeoutMs,
      onNote: (text) => {
        notes.push(trajectory.record({ type: "note", text }));
        onNote?.(`${task.id}: ${text}`);
      },
    });
    try {
      const result = await runLoop({
        client,
        tools,
        opening: openingMessages(task),
        budget,
        trajectory,
        kind: task.kind,
        maxOutputChars: settings.maxOutputChars,
        ...(textAnswer ? { textAnswer } : {}),
      });
      await Promise.all(notes);
      return { result, budget, trajectory };
    } catch (error) {
      await Promise.all(notes);
      if (!(error instanceof EndpointError)) throw error;
      const usage = budget.usage();
      await trajectory.record({ type: "end", outcome: "error", detail: error.message, usage });
      throw new AgentError(`the model endpoint failed: ${error.message}`, usage);
    }
  }

  return {
    name,
    async solveIc({ task, workspace, scratchDir }) {
      const ws = await workspace();
      const { result, budget, trajectory } = await attempt(
        task,
        icTools({
          root: ws.dir,
          scratchDir,
          shellTimeoutMs: settings.shellTimeoutMs,
          maxOutputChars: settings.maxOutputChars,
          pathPrefix: settings.pathPrefix ?? [path.dirname(process.execPath)],
        }),
      );
      const patch = await workspaceDiff(ws);
      const usage = budget.usage();
      await trajectory.record({
        type: "end",
        outcome: result.stop,
        detail: `${result.detail}; patch of ${patch.length} characters`,
        usage,
      });
      return { patch, usage, trajectoryFile: trajectory.file };
    },
    async solveManager({ task }) {
      const ids = (task.proposals ?? []).map((p) => p.id);
      const { result, budget, trajectory } = await attempt(
        task,
        managerTools(task.proposals ?? []),
        (content) => {
          const answer = parseTextAnswer(content, ids);
          return answer ? { kind: "select", ...answer } : undefined;
        },
      );
      const usage = budget.usage();
      const selected = result.final?.kind === "select" ? result.final : undefined;
      await trajectory.record({
        type: "end",
        outcome: result.stop,
        detail: selected ? `selected proposal ${selected.proposalId}` : result.detail,
        usage,
      });
      return {
        selectedProposalId: selected?.proposalId ?? null,
        reason: selected ? selected.reason : result.detail,
        usage,
        trajectoryFile: trajectory.file,
      };
    },
  };
}
