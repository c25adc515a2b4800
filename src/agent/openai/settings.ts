import { z } from "zod";
import { describeProblems, fieldProblems } from "../../core/task/format-issues.ts";
import { PriceTable } from "./prices.ts";

/** OpenAI's own endpoint, used when no base URL is given. */
export const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** Everything the OpenAI-compatible agent needs; one schema, defaults included. */
export const OpenAiAgentSettings = z.strictObject({
  model: z.string().trim().min(1, "a model name, e.g. gpt-4o"),
  apiKey: z.string().min(1, "an API key"),
  baseUrl: z
    .url({ protocol: /^https?$/, error: "an http(s) URL such as http://localhost:11434/v1" })
    .default(DEFAULT_BASE_URL),
  /** Stream answers (server-sent events) instead of waiting for whole ones. */
  stream: z.boolean().default(false),
  /** Model calls per attempt. */
  maxSteps: z.number().int().positive().default(50),
  /** Prompt plus completion tokens per attempt (checked before each call). */
  maxTokens: z.number().int().positive().optional(),
  /** Dollars per attempt (checked before each call). */
  maxCostUsd: z.number().positive().optional(),
  /** Model → USD per million tokens, over the built-in prices. */
  prices: PriceTable.default({}),
  /** Where each attempt's trajectory (JSONL) is written. */
  trajectoryDir: z.string().min(1),
  /** Retries of 408/409/429/5xx answers and failed connections (by the openai package). */
  maxRetries: z.number().int().nonnegative().default(5),
  /** Retries of answers cut short (streams or bodies that end early). */
  incompleteRetries: z.number().int().nonnegative().default(2),
  requestTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  /** The longest one run_shell command may take. */
  shellTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(5 * 60_000),
  /** The most characters of one tool result sent to the model. */
  maxOutputChars: z.number().int().min(1000).default(20_000),
  /** Folders first on the shell's PATH; default: the folder of the Node running Lancer. */
  pathPrefix: z.array(z.string()).optional(),
  /** The name in the ledger; default `openai:<model>`. */
  name: z.string().min(1).optional(),
});

export type OpenAiAgentSettingsInput = z.input<typeof OpenAiAgentSettings>;
export type OpenAiAgentSettings = z.output<typeof OpenAiAgentSettings>;

/** A base URL fit for logs and trajectories: any user name or password in it is masked. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = "***";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Validates settings, naming every bad field (never echoing the key). */
export function parseSettings(input: OpenAiAgentSettingsInput): OpenAiAgentSettings {
  const parsed = OpenAiAgentSettings.safeParse(input);
  if (!parsed.success)
    throw new Error(describeProblems("openai agent", fieldProblems(parsed.error)));
  return parsed.data;
}
