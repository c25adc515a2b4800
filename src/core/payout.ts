import type { Verdict } from "./grade/verdict.ts";

export interface PayoutRules {
  /** 1-based number of this attempt on the task. */
  attempt: number;
  /** Attempts the task allows. */
  maxAttempts: number;
  /** When the attempt was submitted and the deadline it had, if any. */
  submittedAt?: Date;
  deadline?: Date;
}

export type Payout =
  | { paid: true; cents: number }
  | { paid: false; cents: 0; why: string }
  /** The grader could not decide: nothing is paid and nothing is recorded as $0. */
  | { paid: false; cents: null; why: string };

/**
 * The payout of an attempt: the task's price in cents when the verdict is pass and the
 * rules allow it, else 0; an `error` verdict pays nothing and is not a $0 result.
 */
export function computePayout(priceCents: number, verdict: Verdict, rules?: PayoutRules): Payout {
  if (verdict === "error") return { paid: false, cents: null, why: "grading error" };
  if (verdict === "fail") return { paid: false, cents: 0, why: "verdict fail" };
  if (rules && rules.attempt > rules.maxAttempts) {
    return {
      paid: false,
      cents: 0,
      why: `attempt ${rules.attempt} exceeds the ${rules.maxAttempts} allowed`,
    };
  }
  if (rules?.deadline && rules.submittedAt && rules.submittedAt > rules.deadline) {
    return {
      paid: false,
      cents: 0,
      why: `submitted after the deadline ${rules.deadline.toISOString()}`,
    };
  }
  return { paid: true, cents: priceCents };
}
