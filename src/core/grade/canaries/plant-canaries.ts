import { readFile, writeFile } from "node:fs/promises";
import { resolveInside } from "../../paths/contained-path.ts";
import type { TestSpec } from "../../task/schema.ts";
import { resultsSourceText } from "../run-tests.ts";
import { canaryCode, type CanaryLanguage } from "./canary-code.ts";
import { newCanarySet, type Canary } from "./canary-set.ts";
import type { CanaryPlacement } from "./plan-canaries.ts";

/** The hidden test file that takes a grading's canaries, as the hidden part wrote it. */
export type CanaryHost =
  | { file: string; language: CanaryLanguage; nodeTestFallback: boolean; original: Buffer }
  | { none: string };

/** Reads the chosen host file from the workspace (checked to stay inside it first). */
export async function readCanaryHost(
  placement: CanaryPlacement,
  workspace: string,
): Promise<CanaryHost> {
  if ("none" in placement) return placement;
  const target = await resolveInside(workspace, placement.file, `hidden file ${placement.file}`);
  const original = await readFile(target).catch(() => undefined);
  if (!original)
    return { none: `the hidden test file ${placement.file} is not there to take them` };
  return { ...placement, original };
}

/**
 * Writes the host file afresh with a new set of canaries appended (its path checked again:
 * an earlier run's code may have turned a folder on the way into a link). Returns the set.
 */
export async function plantCanaries(
  host: Extract<CanaryHost, { file: string }>,
  workspace: string,
): Promise<Canary[]> {
  const canaries = newCanarySet();
  const code = canaryCode(host.language, canaries, { nodeTestFallback: host.nodeTestFallback });
  const target = await resolveInside(workspace, host.file, `hidden file ${host.file}`);
  await writeFile(target, Buffer.concat([host.original, Buffer.from(code)]));
  return canaries;
}

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
