import type { Agent } from "../core/agent.ts";
import type { BankTask } from "../core/task/bank.ts";
import { createCommandAgent } from "./command-agent.ts";
import { createNoopAgent, createSelectAgent } from "./fixed-agents.ts";
import { createOpenAiAgent, type OpenAiAgentOptions } from "./openai/index.ts";
import { createOracleAgent } from "./oracle.ts";
import { createPredictionsAgent } from "./predictions.ts";

export const AGENT_SPECS = [
  "oracle",
  "noop",
  "select:N",
  "predictions:FILE",
  'command:"..."',
  "openai",
];

export interface CreateAgentOptions {
  bank: ReadonlyMap<string, BankTask>;
  commandTimeoutMs: number;
  /** The settings of the `openai` agent (model, endpoint, key, budgets…), when that is the one. */
  openai?: OpenAiAgentOptions;
}

/** Builds an agent from its command-line spelling (`oracle`, `select:0`, `command:"…"`, …). */
export async function createAgent(spec: string, options: CreateAgentOptions): Promise<Agent> {
  if (spec === "oracle") return createOracleAgent(options.bank);
  if (spec === "noop") return createNoopAgent();
  if (spec === "openai") {
    if (!options.openai) throw new Error("the openai agent needs its settings (model, key)");
    return createOpenAiAgent(options.openai);
  }
  const [kind, ...rest] = spec.split(":");
  const value = rest.join(":");
  if (kind === "select" && /^\d+$/.test(value)) return createSelectAgent(Number(value));
  if (kind === "predictions" && value !== "") return createPredictionsAgent(value);
  if (kind === "command" && value.trim() !== "") {
    return createCommandAgent({ command: value, timeoutMs: options.commandTimeoutMs });
  }
  throw new Error(`unknown agent "${spec}": expected one of ${AGENT_SPECS.join(", ")}`);
}
