import { formatCents } from "../money.ts";
import { reasonText } from "./render-grade.ts";

/** Where an attempt stands, as its comment shows it. */
export type AttemptState =
  /** Submitted, grading dispatched. */
  | "grading"
  /** A verdict was decided and recorded in the ledger. */
  | "graded"
  /** The grader could not decide; it is retried, never shown as $0. */
  | "error"
  /** Not graded at all: over the attempt budget, past the deadline, protected paths. */
  | "refused";

export interface AttemptView {
  taskId: string;
  kind: "ic" | "manager";
  priceCents: number;
  agent: string;
  attempt: number;
  maxAttempts: number;
  /** When the agent claimed the task (the deadline clock), if it did. */
  claimedAt?: string | undefined;
  deadline?: string | undefined;
  /** What was submitted, for people: "pull request #3 at abc1234", "proposal 2". */
  submission: string;
  state: AttemptState;
  verdict?: "pass" | "fail" | undefined;
  payoutCents?: number | undefined;
  /** Why nothing was paid, or why the attempt was refused or errored. */
  why?: string | undefined;
  reason?: string | undefined;
  testsPassed?: number | undefined;
  testsFailed?: number | undefined;
  /** Per-run test tables (Markdown) from the check run. */
  tables?: string | undefined;
  checkUrl?: string | undefined;
  /** Errored gradings so far and how many re-dispatches the org allows. */
  retries?: { done: number; max: number } | undefined;
}

/** The hidden line that identifies an attempt's comment, on the pull request and the issue. */
export function attemptMarker(taskId: string, agent: string, attempt: number): string {
  return `<!-- lancer:attempt task=${taskId} agent=${agent} attempt=${attempt} -->`;
}

const STEPS = ["Posted", "Claimed", "Submitted", "Graded", "Paid"] as const;

/** How far along the stepper an attempt is: the index of the last step done. */
function reached(view: AttemptView): number {
  if (view.state === "graded" && view.verdict === "pass" && (view.payoutCents ?? 0) > 0) return 4;
  if (view.state === "graded") return 3;
  return 2;
}

/** Posted ✅ → Claimed ✅ → Submitted ✅ → Graded ⏳ → Paid ⬜ */
export function renderStepper(view: AttemptView): string {
  const last = reached(view);
  return STEPS.map((step, i) => {
    if (i <= last) return `${step} ✅`;
    if (i === last + 1) {
      if (view.state === "grading") return `${step} ⏳`;
      if (view.state === "error") return `${step} ⚠️`;
      if (view.state === "refused") return `${step} 🚫`;
      if (view.state === "graded") return `${step} ❌`;
    }
    return `${step} ⬜`;
  }).join(" → ");
}

function headline(view: AttemptView): string {
  const price = formatCents(view.priceCents);
  switch (view.state) {
    case "grading":
      return `⏳ Grading attempt ${view.attempt} of ${view.maxAttempts} — ${price} on offer`;
    case "error":
      return `⚠️ Grading error — no payout decided yet`;
    case "refused":
      return `🚫 Not graded — ${view.why ?? "refused"}`;
    case "graded":
      return view.verdict === "pass" && (view.payoutCents ?? 0) > 0
        ? `💰 Paid ${formatCents(view.payoutCents ?? 0)}`
        : `❌ ${view.verdict === "pass" ? "Passed, not paid" : "Failed"} — ${formatCents(0)} of ${price}`;
  }
}

/** The comment of one attempt, edited in place as the attempt moves along. */
export function renderAttemptComment(view: AttemptView): string {
  const lines = [
    attemptMarker(view.taskId, view.agent, view.attempt),
    `### ${headline(view)}`,
    "",
    renderStepper(view),
    "",
    "| | |",
    "| --- | --- |",
    `| Task | \`${view.taskId}\` (${view.kind === "ic" ? "IC" : "manager"}, ${formatCents(view.priceCents)}) |`,
    `| Agent | @${view.agent} |`,
    `| Attempt | ${view.attempt} of ${view.maxAttempts} |`,
    `| Submitted | ${view.submission} |`,
  ];
  if (view.claimedAt) lines.push(`| Claimed | ${view.claimedAt} |`);
  if (view.deadline) lines.push(`| Deadline | ${view.deadline} |`);
  if (view.state === "graded") {
    lines.push(
      `| Verdict | **${view.verdict}**${view.reason ? ` (${reasonText(view.reason)})` : ""} |`,
    );
    if (view.testsPassed !== undefined)
      lines.push(`| Hidden tests | ${view.testsPassed} passed, ${view.testsFailed ?? 0} failed |`);
    lines.push(`| Payout | **${formatCents(view.payoutCents ?? 0)}** |`);
    if (view.why && !(view.payoutCents ?? 0)) lines.push(`| Why | ${view.why} |`);
  }
  if (view.state === "error") {
    lines.push(`| Problem | ${view.why ?? "the grader could not decide"} |`);
    if (view.retries)
      lines.push(
        view.retries.done <= view.retries.max
          ? `| Retry | grading again (${view.retries.done} of ${view.retries.max}) |`
          : `| Retry | retries spent; a maintainer can \`/lancer regrade\` |`,
      );
  }
  if (view.checkUrl) lines.push(`| Check run | ${view.checkUrl} |`);
  if (view.tables)
    lines.push(
      "",
      "<details><summary>Hidden test results</summary>",
      "",
      view.tables,
      "",
      "</details>",
    );
  lines.push("", "_Only the Lancer app writes payouts; a comment claiming one changes nothing._");
  return lines.join("\n");
}
