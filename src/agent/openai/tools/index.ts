import type { Proposal } from "../../../core/task/schema.ts";
import { applyPatchTool } from "./apply-patch.ts";
import type { WorkspaceToolContext } from "./context.ts";
import { editFileTool } from "./edit-file.ts";
import { listFilesTool } from "./list-files.ts";
import { readFileTool } from "./read-file.ts";
import { runShellTool } from "./run-shell.ts";
import { searchTextTool } from "./search-text.ts";
import { selectProposalTool } from "./select-proposal.ts";
import { submitTool } from "./submit.ts";
import type { Tool } from "./tool.ts";

export type { WorkspaceToolContext } from "./context.ts";
export { runToolCall, type ToolCallOutcome } from "./run-tool-call.ts";
export { capText, defineTool, ToolError, type Tool, type ToolResult } from "./tool.ts";

/** The tools of an IC attempt: look, search, edit, run, submit. */
export function icTools(context: WorkspaceToolContext): Tool[] {
  return [
    listFilesTool(context),
    readFileTool(context),
    searchTextTool(context),
    editFileTool(context),
    applyPatchTool(context),
    runShellTool(context),
    submitTool(),
  ];
}

/** The tools of a manager attempt: only the answer. */
export function managerTools(proposals: readonly Proposal[]): Tool[] {
  return [selectProposalTool(proposals.map((p) => p.id))];
}
