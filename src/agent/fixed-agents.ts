import type { Agent } from "../core/agent.ts";

/** Changes nothing and chooses nothing: the baseline that must earn $0. */
export function createNoopAgent(): Agent {
  return {
    name: "noop",
    async solveIc() {
      return { patch: "" };
    },
    async solveManager() {
      return { selectedProposalId: null };
    },
  };
}

/** Always selects proposal `id` on manager tasks; submits no change on IC tasks. */
export function createSelectAgent(id: number): Agent {
  return {
    name: `select:${id}`,
    async solveIc() {
      return { patch: "" };
    },
    async solveManager() {
      return { selectedProposalId: id, reason: `always proposal ${id}` };
    },
  };
}
