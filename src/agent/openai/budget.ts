import type { Usage } from "../../core/ledger/entry.ts";
import { costUsd, type ModelPrice } from "./prices.ts";

export interface BudgetLimits {
  /** Model calls per attempt. */
  maxSteps: number;
  /** Prompt plus completion tokens per attempt; undefined for no limit. */
  maxTokens?: number | undefined;
  /** Dollars per attempt; undefined for no limit. */
  maxCostUsd?: number | undefined;
}

/** What one attempt has spent so far, and whether it may call the model again. */
export class Budget {
  readonly #limits: BudgetLimits;
  readonly #price: ModelPrice | undefined;
  steps = 0;
  promptTokens = 0;
  completionTokens = 0;

  constructor(limits: BudgetLimits, price: ModelPrice | undefined) {
    this.#limits = limits;
    this.#price = price;
  }

  /** Counts one model call and the tokens it reported. */
  spend(usage: { prompt_tokens: number; completion_tokens: number } | undefined): void {
    this.steps += 1;
    this.promptTokens += usage?.prompt_tokens ?? 0;
    this.completionTokens += usage?.completion_tokens ?? 0;
  }

  get costUsd(): number {
    return costUsd(
      { prompt_tokens: this.promptTokens, completion_tokens: this.completionTokens },
      this.#price,
    );
  }

  /** Why no further model call is allowed, or undefined while one is. */
  exhausted(): string | undefined {
    const { maxSteps, maxTokens, maxCostUsd } = this.#limits;
    if (this.steps >= maxSteps) return `step budget spent (${this.steps} of ${maxSteps} steps)`;
    const tokens = this.promptTokens + this.completionTokens;
    if (maxTokens !== undefined && tokens >= maxTokens)
      return `token budget spent (${tokens} of ${maxTokens} tokens)`;
    const cost = this.costUsd;
    if (maxCostUsd !== undefined && cost >= maxCostUsd)
      return `cost budget spent ($${cost.toFixed(4)} of $${maxCostUsd.toFixed(2)})`;
    return undefined;
  }

  /** The usage as the ledger records it. */
  usage(): Usage {
    return {
      prompt_tokens: this.promptTokens,
      completion_tokens: this.completionTokens,
      cost_usd: this.costUsd,
    };
  }
}
