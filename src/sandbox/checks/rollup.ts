import type { CheckConclusion, CheckRun, CheckSuite } from "../state/model.ts";

/**
 * Conclusions from the worst to the mildest: a suite concludes with the worst conclusion of
 * its latest runs. A run that needs action or was cancelled outweighs one that timed out or
 * failed; success outweighs neutral and skipped, so a suite with one successful run and some
 * skipped ones succeeds, and only a suite whose runs were all skipped is `skipped`.
 */
export const CONCLUSION_ORDER: readonly CheckConclusion[] = [
  "action_required",
  "cancelled",
  "timed_out",
  "failure",
  "stale",
  "success",
  "neutral",
  "skipped",
];

/** The latest run of each name (the highest id: ids grow with time), as `filter=latest` lists them. */
export function latestRuns(runs: readonly CheckRun[]): CheckRun[] {
  const byName = new Map<string, CheckRun>();
  for (const run of runs) {
    const key = `${run.checkSuiteId}\0${run.name}`;
    const known = byName.get(key);
    if (!known || run.id > known.id) byName.set(key, run);
  }
  return [...byName.values()];
}

/** The worst of some conclusions in {@link CONCLUSION_ORDER}; null for none. */
export function worstConclusion(conclusions: readonly CheckConclusion[]): CheckConclusion | null {
  let worst: CheckConclusion | null = null;
  for (const c of conclusions)
    if (worst === null || CONCLUSION_ORDER.indexOf(c) < CONCLUSION_ORDER.indexOf(worst)) worst = c;
  return worst;
}

/**
 * A suite's status and conclusion from its latest runs: completed with the worst conclusion
 * when every run completed; in progress once any run started or completed; queued before.
 * Undefined when the suite has no runs (it keeps what it has).
 */
export function rollup(
  runs: readonly CheckRun[],
): Pick<CheckSuite, "status" | "conclusion"> | undefined {
  const latest = latestRuns(runs);
  if (latest.length === 0) return undefined;
  if (latest.every((r) => r.status === "completed")) {
    return {
      status: "completed",
      conclusion: worstConclusion(latest.map((r) => r.conclusion ?? "neutral")),
    };
  }
  const started = latest.some((r) => r.status === "in_progress" || r.status === "completed");
  return { status: started ? "in_progress" : "queued", conclusion: null };
}
