import { z } from "zod";
import { defineTool, ToolError, type Tool } from "./tool.ts";

/** Ends a manager attempt with the chosen proposal; an id that does not exist is refused. */
export function selectProposalTool(proposalIds: readonly number[]): Tool {
  return defineTool({
    name: "select_proposal",
    description:
      "Choose the proposal you would approve, with a short reason. This is your final answer.",
    schema: z.strictObject({
      proposal_id: z.number().int().nonnegative().describe("the id of the chosen proposal"),
      reason: z.string().default("").describe("why this proposal, in a few sentences"),
    }),
    async run(args) {
      if (!proposalIds.includes(args.proposal_id)) {
        throw new ToolError(
          `there is no proposal ${args.proposal_id}; the proposal ids are ${proposalIds.join(", ")}`,
        );
      }
      return {
        text: `selected proposal ${args.proposal_id}`,
        final: { kind: "select", proposalId: args.proposal_id, reason: args.reason },
      };
    },
  });
}
