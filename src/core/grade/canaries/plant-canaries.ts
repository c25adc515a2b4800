import { readFile, writeFile } from "node:fs/promises";
import { resolveInside } from "../../paths/contained-path.ts";
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
