import { describe, expect, it } from "vitest";
import { afterReview, firstRecord } from "../../src/core/ledger/client-review.ts";
import type { LedgerRecord } from "../../src/core/ledger/ledger-record.ts";

const pass: LedgerRecord = {
  schema: 1,
  task_id: "t",
  kind: "ic",
  agent: "a",
  attempt: 1,
  verdict: "pass",
  price_cents: 25_000,
  payout_cents: 25_000,
  repository: "o/t",
  graded_at: "2026-01-01T00:00:00Z",
};
const approved = { state: "approved", reviewer: "m", submittedAt: "2026-01-01T01:00:00Z" } as const;
const changes = {
  ...approved,
  state: "changes_requested",
  submittedAt: "2026-01-01T02:00:00Z",
} as const;

describe("client review and payout rules", () => {
  it("payout: tests pays by the tests alone and records the review beside", () => {
    expect(firstRecord(pass, "tests", undefined)).toEqual(pass);
    expect(firstRecord(pass, "tests", changes)).toMatchObject({
      payout_cents: 25_000,
      client_review: "changes_requested",
      client_reviewer: "m",
    });
    expect(afterReview(pass, changes, "now")).toMatchObject({ payout_cents: 25_000 });
  });

  it("tests-and-review holds a payable pass until an approval, then pays it once", () => {
    const held = firstRecord(pass, "tests-and-review", undefined);
    expect(held).toMatchObject({ payout_cents: 0, awaiting_approval: true });
    expect(afterReview(held, { ...changes }, "now")).toMatchObject({
      payout_cents: 0,
      awaiting_approval: true,
    });
    const paid = afterReview(held, approved, "2026-01-01T03:00:00Z")!;
    expect(paid).toMatchObject({ payout_cents: 25_000, paid_at: "2026-01-01T03:00:00Z" });
    expect(paid.awaiting_approval).toBeUndefined();
    // The same approval again changes nothing; a later request for changes keeps the payout.
    expect(afterReview(paid, approved, "later")).toBeUndefined();
    expect(afterReview(paid, changes, "later")).toMatchObject({
      payout_cents: 25_000,
      client_review: "changes_requested",
    });
    // An approval known at grading time pays at once.
    expect(firstRecord(pass, "tests-and-review", approved)).toMatchObject({ payout_cents: 25_000 });
  });

  it("never pays what the tests or the rules did not: fails, late or over-budget passes", () => {
    const late = { ...pass, payout_cents: 0, why: "graded after the deadline x" };
    expect(firstRecord(late, "tests-and-review", undefined).awaiting_approval).toBeUndefined();
    expect(afterReview(late, approved, "now")).toMatchObject({ payout_cents: 0 });
    const fail = { ...pass, verdict: "fail" as const, payout_cents: 0 };
    expect(
      afterReview(firstRecord(fail, "tests-and-review", undefined), approved, "now"),
    ).toMatchObject({ payout_cents: 0 });
  });

  it("keeps the latest review: an older one arriving late changes nothing", () => {
    const recent = afterReview(pass, changes, "now")!;
    expect(afterReview(recent, approved, "now")).toBeUndefined();
  });
});
