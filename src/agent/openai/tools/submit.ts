import { z } from "zod";
import { defineTool, type Tool } from "./tool.ts";

/** Ends an IC attempt: the workspace's changes are the submission. */
export function submitTool(): Tool {
  return defineTool({
    name: "submit",
    description:
      "Submit your work and end the task: the changes you made to the repository are your answer. Call it once, when you are done.",
    schema: z.strictObject({
      summary: z.string().default("").describe("one or two sentences on what you changed"),
    }),
    async run(args) {
      return { text: "submitted", final: { kind: "submit", summary: args.summary } };
    },
  });
}
