import { stringify } from "csv-stringify/sync";
import { percentFixed, percentText, widestPassAt } from "./format.ts";
import type { Standings } from "./standings.ts";

/** "" for no value: a CSV cell that is empty rather than a made-up number. */
function fixed(percent: number | undefined): string {
  return percent === undefined ? "" : percentFixed(percent);
}

/**
 * One row per agent, in rank order, amounts in cents, percentages with one decimal; the pass@k
 * columns hold the agent's largest k.
 */
export function renderLeaderboardCsv(standings: Standings): string {
  return stringify(
    standings.agents.map((s) => {
      const pass1 = s.stats.pass_at[0];
      const passK = widestPassAt(s.stats.pass_at);
      return [
        s.agent,
        s.earned_cents,
        s.available_cents,
        percentText(s.earned_cents, s.available_cents),
        s.by_kind.ic.earned_cents,
        s.by_kind.manager.earned_cents,
        s.hard.earned_cents,
        s.hard.available_cents,
        s.attempts,
        s.passed,
        s.failed,
        s.errors,
        fixed(s.stats.earned_percent_ci?.low),
        fixed(s.stats.earned_percent_ci?.high),
        s.stats.tasks_attempted,
        fixed(pass1?.percent),
        fixed(pass1?.ci?.low),
        fixed(pass1?.ci?.high),
        passK?.k ?? "",
        fixed(passK?.percent),
        fixed(passK?.ci?.low),
        fixed(passK?.ci?.high),
        s.client_review.reviewed,
        s.client_review.approved,
      ];
    }),
    {
      header: true,
      columns: [
        "agent",
        "earned_cents",
        "available_cents",
        "percent",
        "ic_earned_cents",
        "manager_earned_cents",
        "hard_earned_cents",
        "hard_available_cents",
        "attempts",
        "passed",
        "failed",
        "errors",
        "percent_ci_low",
        "percent_ci_high",
        "tasks_attempted",
        "pass_at_1",
        "pass_at_1_ci_low",
        "pass_at_1_ci_high",
        "pass_at_k_k",
        "pass_at_k",
        "pass_at_k_ci_low",
        "pass_at_k_ci_high",
        "client_reviewed",
        "client_approved",
      ],
    },
  );
}
