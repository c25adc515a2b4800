import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Budget } from "../../../src/agent/openai/budget.ts";
import {
  BUILT_IN_PRICES,
  costUsd,
  loadPrices,
  priceFor,
} from "../../../src/agent/openai/prices.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const dir = tempDir();

describe("prices", () => {
  it("reads YAML and JSON price files", async () => {
    const yaml = path.join(dir, "prices.yaml");
    writeFileSync(yaml, "my-model:\n  prompt: 0.5\n  completion: 1.5\n");
    await expect(loadPrices(yaml)).resolves.toEqual({
      "my-model": { prompt: 0.5, completion: 1.5 },
    });
    const json = path.join(dir, "prices.json");
    writeFileSync(json, JSON.stringify({ "gpt-4o": { prompt: 5, completion: 20 } }));
    await expect(loadPrices(json)).resolves.toEqual({ "gpt-4o": { prompt: 5, completion: 20 } });
  });

  it("names the file and each bad field", async () => {
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, "m:\n  prompt: cheap\n  completion: 1\n  extra: 2\n");
    const error = await loadPrices(bad).catch((e: Error) => e);
    expect((error as Error).message).toMatch(new RegExp(`^prices file ${bad}: m.prompt: .*number`));
    expect((error as Error).message).toContain('Unrecognized key: "extra"');
    await expect(loadPrices(path.join(dir, "none.yaml"))).rejects.toThrow("cannot be read");
    writeFileSync(bad, "{ not: [yaml");
    await expect(loadPrices(bad)).rejects.toThrow("not valid YAML or JSON");
  });

  it("prices exact names and dated snapshots, and nothing else", () => {
    expect(priceFor("gpt-4o-mini", BUILT_IN_PRICES)).toEqual({ prompt: 0.15, completion: 0.6 });
    expect(priceFor("gpt-4o-2024-08-06", BUILT_IN_PRICES)).toEqual(BUILT_IN_PRICES["gpt-4o"]);
    expect(priceFor("gpt-4o-mini-2024-07-18", BUILT_IN_PRICES)).toEqual(
      BUILT_IN_PRICES["gpt-4o-mini"],
    );
    expect(priceFor("gpt-4o-turbo-max", BUILT_IN_PRICES)).toBeUndefined();
    expect(priceFor("qwen2.5-coder", BUILT_IN_PRICES)).toBeUndefined();
    expect(
      costUsd(
        { prompt_tokens: 2_000_000, completion_tokens: 500_000 },
        { prompt: 2, completion: 8 },
      ),
    ).toBe(8);
    expect(costUsd({ prompt_tokens: 2_000_000, completion_tokens: 1 }, undefined)).toBe(0);
  });
});

describe("Budget", () => {
  const price = { prompt: 10, completion: 30 };
  const call = { prompt_tokens: 1000, completion_tokens: 100 };

  it("stops at the step limit", () => {
    const budget = new Budget({ maxSteps: 2 }, price);
    expect(budget.exhausted()).toBeUndefined();
    budget.spend(call);
    budget.spend(undefined);
    expect(budget.exhausted()).toBe("step budget spent (2 of 2 steps)");
    expect(budget.usage()).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 100,
      cost_usd: 0.013,
    });
  });

  it("stops at the token limit and at the cost limit", () => {
    const tokens = new Budget({ maxSteps: 99, maxTokens: 2200 }, price);
    tokens.spend(call);
    expect(tokens.exhausted()).toBeUndefined();
    tokens.spend(call);
    expect(tokens.exhausted()).toBe("token budget spent (2200 of 2200 tokens)");
    const cost = new Budget({ maxSteps: 99, maxCostUsd: 0.02 }, price);
    cost.spend(call);
    expect(cost.exhausted()).toBeUndefined();
    cost.spend(call);
    expect(cost.exhausted()).toBe("cost budget spent ($0.0260 of $0.02)");
  });

  it("never stops on cost for a model without a price", () => {
    const budget = new Budget({ maxSteps: 99, maxCostUsd: 0.01 }, undefined);
    for (let i = 0; i < 5; i += 1) budget.spend(call);
    expect(budget.exhausted()).toBeUndefined();
    expect(budget.usage().cost_usd).toBe(0);
  });
});
