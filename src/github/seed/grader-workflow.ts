import { readFile } from "node:fs/promises";
import path from "node:path";
import { SeedError } from "./seed-error.ts";

/** The grading workflow template shipped with Lancer. */
export const GRADER_TEMPLATE = path.resolve(import.meta.dirname, "../../../templates/grader.yml");

const BANK_PLACEHOLDER = "your-org/lancer-bank";
const ACTION_PLACEHOLDER = "lancer/lancer@v1";

/**
 * templates/grader.yml made ready for an org: the bank is the grader repository itself (it
 * holds the task folders) and the action is `actionRef`. Every placeholder must be replaced:
 * a template that no longer has them is an error rather than a workflow that grades nothing.
 */
export function renderGraderWorkflow(
  template: string,
  options: { bank: string; actionRef: string },
): string {
  const bankLines = /^(\s*bank:\s*)your-org\/lancer-bank\s*$/gm;
  const actionLines = /^(\s*(?:-\s+)?uses:\s*)lancer\/lancer@v1\s*$/gm;
  if (!bankLines.test(template) || !actionLines.test(template)) {
    throw new SeedError(
      `${GRADER_TEMPLATE}: expected "bank: ${BANK_PLACEHOLDER}" and "uses: ${ACTION_PLACEHOLDER}" lines to replace`,
    );
  }
  const out = template
    .replace(bankLines, (_line, key: string) => `${key}${options.bank}`)
    .replace(actionLines, (_line, key: string) => `${key}${options.actionRef}`)
    .replace(
      /^# Replace your-org\/lancer-bank with .*$/m,
      () =>
        `# Seeded by \`lancer seed\`: the bank is this repository (${options.bank}), the action ${options.actionRef}.`,
    );
  if (out.includes(BANK_PLACEHOLDER))
    throw new SeedError(`${GRADER_TEMPLATE}: "${BANK_PLACEHOLDER}" is left after seeding`);
  return out;
}

export async function readGraderTemplate(): Promise<string> {
  return readFile(GRADER_TEMPLATE, "utf8");
}
