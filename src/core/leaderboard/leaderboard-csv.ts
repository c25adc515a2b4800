import { stringify } from "csv-stringify/sync";
import { percentText } from "./format.ts";
import type { Standings } from "./standings.ts";

/** One row per agent, in rank order, amounts in cents. */
export function renderLeaderboardCsv(standings: Standings): string {
  return stringify(
    standings.agents.map((s) => [
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
    ]),
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
      ],
    },
  );
}
