import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import type { OpenAiAgentOptions } from "../agent/openai/index.ts";
import { DEFAULT_BASE_URL, loadPrices } from "../agent/openai/index.ts";
import { positiveInt } from "./options.ts";
import { UsageError, type Output } from "./output.ts";

export const DEFAULT_API_KEY_ENV = "OPENAI_API_KEY";
export const DEFAULT_TRAJECTORIES = ".lancer/trajectories";

/** The `lancer run` options of the openai agent, as commander hands them over. */
export interface OpenAiCliValues {
  model?: string;
  apiBaseUrl: string;
  apiKeyEnv: string;
  maxSteps: number;
  maxTokens?: number;
  maxCost?: number;
  maxRetries: number;
  prices?: string;
  stream?: boolean;
  trajectories: string;
}

/** Keys of OpenAiCliValues, as commander names them: used to refuse them for other agents. */
const OPENAI_KEYS = [
  "model",
  "apiBaseUrl",
  "apiKeyEnv",
  "maxSteps",
  "maxTokens",
  "maxCost",
  "maxRetries",
  "prices",
  "stream",
  "trajectories",
] as const;

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0))
    throw new InvalidArgumentError("expected a number > 0");
  return n;
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return Number(value);
}

/** Adds the openai agent's options to a command, under their own heading in --help. */
export function addOpenAiOptions(command: Command): Command {
  return command
    .optionsGroup("Options of --agent openai (any OpenAI-compatible chat-completions endpoint):")
    .option("--model <name>", "model name, e.g. gpt-4o, or the name your server gives it")
    .option("--api-base-url <url>", "endpoint base URL (vLLM, Ollama, LiteLLM…)", DEFAULT_BASE_URL)
    .option("--api-key-env <name>", "environment variable holding the API key", DEFAULT_API_KEY_ENV)
    .option("--max-steps <n>", "model calls per task", positiveInt, 50)
    .option(
      "--max-tokens <n>",
      "prompt + completion tokens per task (default: no limit)",
      positiveInt,
    )
    .option("--max-cost <usd>", "dollars per task (default: no limit)", positiveNumber)
    .option("--max-retries <n>", "retries of a 429, 5xx or failed connection", wholeNumber, 5)
    .option(
      "--prices <file>",
      "YAML/JSON of model → {prompt, completion} USD per million tokens (over the built-in ones)",
    )
    .option("--stream", "stream answers (server-sent events)")
    .option(
      "--trajectories <dir>",
      "where each attempt's trajectory (JSONL) is saved, under a folder named after the run id",
      DEFAULT_TRAJECTORIES,
    )
    .optionsGroup("");
}

/**
 * Turns the command line into the openai agent's options: the key from its environment
 * variable, the prices file read. Any of these options with another agent is a usage error.
 */
export async function resolveOpenAiOptions(
  agent: string,
  values: OpenAiCliValues,
  command: Command,
  runId: string,
  output: Output,
): Promise<OpenAiAgentOptions | undefined> {
  if (agent !== "openai") {
    const given = OPENAI_KEYS.filter((key) => command.getOptionValueSource(key) === "cli");
    if (given.length > 0) {
      const flags = given.map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
      throw new UsageError(`${flags.join(", ")}: only for --agent openai (the agent is ${agent})`);
    }
    return undefined;
  }
  if (!values.model)
    throw new UsageError("--agent openai needs --model <name> (e.g. --model gpt-4o)");
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.apiKeyEnv))
    throw new UsageError(
      `--api-key-env: "${values.apiKeyEnv}" is not an environment variable name`,
    );
  const apiKey = process.env[values.apiKeyEnv];
  if (!apiKey) {
    throw new UsageError(
      `--agent openai needs an API key in $${values.apiKeyEnv} (set it, or name another variable with --api-key-env; a local server that checks no key takes any value)`,
    );
  }
  let prices = {};
  if (values.prices) {
    try {
      prices = await loadPrices(values.prices);
    } catch (error) {
      throw new UsageError(`--prices: ${(error as Error).message}`);
    }
  }
  return {
    model: values.model,
    apiKey,
    baseUrl: values.apiBaseUrl,
    stream: values.stream ?? false,
    maxSteps: values.maxSteps,
    ...(values.maxTokens === undefined ? {} : { maxTokens: values.maxTokens }),
    ...(values.maxCost === undefined ? {} : { maxCostUsd: values.maxCost }),
    maxRetries: values.maxRetries,
    prices,
    trajectoryDir: path.join(values.trajectories, runId),
    onNote: (text) => output.info(`openai agent: ${text}`),
  };
}
