import type { Agent } from "../core/agent.ts";
import { GOLD_PATCH, type BankTask } from "../core/task/bank.ts";
import { readTaskFolderFile } from "../core/task/task-folder-files.ts";

/**
 * The reference agent: submits each task's gold patch or the manager's real choice.
 * It reads the bank's hidden parts by design; it exists to validate banks and graders.
 */
export function createOracleAgent(bank: ReadonlyMap<string, BankTask>): Agent {
  const find = (id: string): BankTask => {
    const found = bank.get(id);
    if (!found) throw new Error(`oracle: task ${id} is not in the bank`);
    return found;
  };
  return {
    name: "oracle",
    async solveIc({ task }) {
      const { dir } = find(task.id);
      const patch = await readTaskFolderFile(dir, GOLD_PATCH);
      if (patch === undefined) throw new Error(`oracle: ${dir} has no ${GOLD_PATCH}`);
      return { patch };
    },
    async solveManager({ task }) {
      const correct = find(task.id).task.hidden.correct_proposal_id;
      return { selectedProposalId: correct ?? null, reason: "the manager's choice" };
    },
  };
}
