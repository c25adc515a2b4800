import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { describeProblems, fieldProblems } from "../../core/task/format-issues.ts";

/** USD per million tokens. */
export const ModelPrice = z.strictObject({
  prompt: z.number().nonnegative(),
  completion: z.number().nonnegative(),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/** A prices file: model name → {prompt, completion} USD per million tokens. */
export const PriceTable = z.record(z.string().min(1), ModelPrice);
export type PriceTable = z.infer<typeof PriceTable>;

/**
 * A few list prices (USD per million input / output tokens) from OpenAI's public pricing
 * page, as published in 2025. Prices change: a `--prices` file overrides any of them.
 */
export const BUILT_IN_PRICES: PriceTable = {
  "gpt-4o": { prompt: 2.5, completion: 10 },
  "gpt-4o-mini": { prompt: 0.15, completion: 0.6 },
  "gpt-4.1": { prompt: 2, completion: 8 },
  "gpt-4.1-mini": { prompt: 0.4, completion: 1.6 },
  "gpt-4.1-nano": { prompt: 0.1, completion: 0.4 },
  o3: { prompt: 2, completion: 8 },
  "o3-mini": { prompt: 1.1, completion: 4.4 },
  "o4-mini": { prompt: 1.1, completion: 4.4 },
  "gpt-5": { prompt: 1.25, completion: 10 },
  "gpt-5-mini": { prompt: 0.25, completion: 2 },
};

/** Reads a YAML or JSON prices file, naming the file and every bad field. */
export async function loadPrices(file: string): Promise<PriceTable> {
  const text = await readFile(file, "utf8").catch((error: Error) => {
    throw new Error(`prices file ${file} cannot be read: ${error.message}`);
  });
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new Error(`prices file ${file}: not valid YAML or JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = PriceTable.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${describeProblems(`prices file ${file}`, fieldProblems(parsed.error))}\n` +
        "expected: model name → {prompt, completion} in USD per million tokens",
    );
  }
  return parsed.data;
}

/**
 * The price of a model: an exact name, else a dated snapshot of a known name
 * (`gpt-4o-2024-08-06` costs what `gpt-4o` costs). Undefined when unknown.
 */
export function priceFor(model: string, table: PriceTable): ModelPrice | undefined {
  const exact = table[model];
  if (exact) return exact;
  const dated = /^(.+)-\d{4}-\d{2}-\d{2}$/.exec(model);
  return dated ? table[dated[1]!] : undefined;
}

/** Dollars spent on the given tokens at the given price. */
export function costUsd(
  usage: { prompt_tokens: number; completion_tokens: number },
  price: ModelPrice | undefined,
): number {
  if (!price) return 0;
  return (usage.prompt_tokens * price.prompt + usage.completion_tokens * price.completion) / 1e6;
}
