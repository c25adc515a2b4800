import type { ClientReview } from "./entry.ts";
import type { LedgerRecord } from "./ledger-record.ts";

/** How an org pays IC attempts (`payout:` of `.github/lancer.yml`). */
export type PayoutRule = "tests" | "tests-and-review";

/** A maintainer's review of an attempt's graded commit. */
export interface MaintainerReview {
  state: ClientReview;
  reviewer: string;
  submittedAt: string;
}

/**
 * A decided attempt as first recorded under `rule`. With `tests-and-review`, a pass that the
 * tests (and the attempt and deadline rules) would pay is paid only when `review` is an
 * approval; otherwise it is recorded unpaid and `awaiting_approval`. With `tests` the payout
 * is the tests' alone. The review, if any, is recorded beside the grade in both cases.
 */
export function firstRecord(
  record: LedgerRecord,
  rule: PayoutRule,
  review: MaintainerReview | undefined,
): LedgerRecord {
  const out = review ? withReview(record, review) : { ...record };
  const payable =
    out.verdict === "pass" && out.payout_cents === out.price_cents && out.price_cents > 0;
  if (rule === "tests-and-review" && payable && review?.state !== "approved") {
    out.payout_cents = 0;
    out.awaiting_approval = true;
    out.why = "passed the tests; paid once a maintainer of the mirror approves the graded commit";
  }
  return out;
}

/**
 * A recorded attempt after a maintainer's review, or undefined when nothing changes. The
 * latest review is kept beside the grade. Only an attempt `awaiting_approval` can be paid,
 * by an approval, and then it stops awaiting: so a payout happens at most once, and a later
 * "changes requested" never takes a payout back.
 */
export function afterReview(
  record: LedgerRecord,
  review: MaintainerReview,
  now: string,
): LedgerRecord | undefined {
  if (record.client_reviewed_at && record.client_reviewed_at > review.submittedAt) return undefined;
  const out = withReview(record, review);
  if (out.awaiting_approval && review.state === "approved") {
    out.payout_cents = out.price_cents;
    delete out.awaiting_approval;
    delete out.why;
    out.paid_at = now;
  }
  const same =
    out.client_review === record.client_review &&
    out.client_reviewer === record.client_reviewer &&
    out.payout_cents === record.payout_cents;
  return same ? undefined : out;
}

function withReview(record: LedgerRecord, review: MaintainerReview): LedgerRecord {
  return {
    ...record,
    client_review: review.state,
    client_reviewer: review.reviewer,
    client_reviewed_at: review.submittedAt,
  };
}
