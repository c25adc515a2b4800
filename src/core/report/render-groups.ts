import { clientAcceptedText } from "../leaderboard/format.ts";
import { formatCents } from "../money.ts";
import { percentWithInterval } from "./render-stats.ts";
import type { GroupSummary } from "./run-groups.ts";

/**
 * Every (run, agent) of the ledger, one row each; the client accepted column only when a
 * maintainer reviewed an attempt of one of them.
 */
export function renderGroupsMarkdown(groups: readonly GroupSummary[]): string {
  const reviews = groups.some((g) => g.client_review);
  const head = [
    "run",
    "agent",
    "tasks",
    "passed",
    "earned",
    "available",
    "model tokens",
    "model cost",
    "earned % (95% CI)",
    "pass@1 (95% CI)",
    ...(reviews ? ["client accepted"] : []),
  ];
  const rows = groups.map((g) => {
    const cells = [
      g.run_id,
      g.agent,
      String(g.tasks),
      String(g.passed),
      formatCents(g.earned_cents),
      formatCents(g.available_cents),
      String(g.usage.prompt_tokens + g.usage.completion_tokens),
      `$${g.usage.cost_usd.toFixed(4)}`,
      percentWithInterval({ percent: g.stats.earned_percent, ci: g.stats.earned_percent_ci }),
      percentWithInterval(g.stats.pass_at[0]),
      ...(reviews ? [clientAcceptedText(g.client_review ?? { reviewed: 0, approved: 0 })] : []),
    ];
    return `| ${cells.join(" | ")} |`;
  });
  return [
    "### All runs in this ledger",
    "",
    `| ${head.join(" | ")} |`,
    `| --- | --- | ${head
      .slice(2)
      .map(() => "---:")
      .join(" | ")} |`,
    ...rows,
    "",
  ].join("\n");
}
