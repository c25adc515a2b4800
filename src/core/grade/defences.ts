import type { TestSpec } from "../task/schema.ts";
import type { CanaryHost } from "./canaries/plant-canaries.ts";
import { resultsSourceText } from "./run-tests.ts";

/** The defences against forged results that ran in a grading, for its report. */
export interface Defences {
  canaries:
    | { file: string; planted: number; confirmed: number }
    | { planted: number; confirmed: number; why_none: string };
  /** Hidden and protected files hashed before each run and compared after it. */
  hidden_files: { checked: number; unchanged: boolean };
  /** Where the results came from: the runner's stdout, or the results file the task names. */
  results_source: string;
  /** Runner configuration the candidate changed, put back to the base's before every run. */
  runner_config_reset: string[];
}

/** The defences record of a grading before its first run. */
export function startDefences(
  host: CanaryHost,
  watched: number,
  spec: TestSpec,
  configReset: readonly string[],
): Defences {
  return {
    canaries:
      "file" in host
        ? { file: host.file, planted: 0, confirmed: 0 }
        : { planted: 0, confirmed: 0, why_none: host.none },
    hidden_files: { checked: watched, unchanged: true },
    results_source: resultsSourceText(spec),
    runner_config_reset: [...configReset],
  };
}

/** Adds one run's canaries, and how many its results confirmed, to the record. */
export function countCanaries(
  defences: Defences,
  planted: number,
  confirmed: number | undefined,
): void {
  defences.canaries.planted += planted;
  defences.canaries.confirmed += confirmed ?? 0;
}
