import { readFile } from "node:fs/promises";
import type { ImportedTask } from "./imported-task.ts";
import type { RowProblem } from "./row-problem.ts";
import { readSweBenchJsonl, type SweBenchOptions } from "./swe-bench-jsonl.ts";
import { ImportFormatError, readSweLancerCsv } from "./swe-lancer-csv.ts";
import {
  attachIssueFolders,
  type SweLancerIcSummary,
  type SweLancerImportOptions,
} from "../swe-lancer/import-issues.ts";

export const IMPORT_FORMATS = ["swe-lancer-csv", "swe-bench-jsonl"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Picks the format from the file name when none is given. */
export function guessFormat(file: string): ImportFormat {
  if (/\.csv$/i.test(file)) return "swe-lancer-csv";
  if (/\.jsonl?$/i.test(file)) return "swe-bench-jsonl";
  throw new ImportFormatError(
    `cannot tell the format of ${file} from its name: pass --format ${IMPORT_FORMATS.join(" or ")}`,
  );
}

/**
 * Reads an input file into tasks and bad rows; writes nothing. For a SWE-Lancer CSV, `ic`
 * says which IC rows are gradable (from `benchmarkDir`) and why the others are not.
 */
export async function readImportFile(
  file: string,
  format: ImportFormat,
  options: SweBenchOptions & SweLancerImportOptions,
): Promise<{
  tasks: ImportedTask[];
  problems: RowProblem[];
  ignored?: string[];
  ic?: SweLancerIcSummary;
}> {
  const text = await readFile(file, "utf8").catch((error: Error) => {
    throw new ImportFormatError(`${file} cannot be read: ${error.message}`);
  });
  try {
    if (format !== "swe-lancer-csv") return await readSweBenchJsonl(text, options);
    const rows = readSweLancerCsv(text);
    const { tasks, summary } = await attachIssueFolders(rows.tasks, options);
    return { ...rows, tasks, ic: summary };
  } catch (error) {
    if (error instanceof ImportFormatError)
      throw new ImportFormatError(`${file}: ${error.message}`);
    throw error;
  }
}
