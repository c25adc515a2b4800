import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { resolveInWorkspace } from "../workspace-path.ts";
import type { WorkspaceToolContext } from "./context.ts";
import { defineTool, ToolError, type Tool } from "./tool.ts";

/** Reads a text file, or a range of its lines, each line prefixed with its number. */
export function readFileTool(context: WorkspaceToolContext): Tool {
  return defineTool({
    name: "read_file",
    description:
      "Read a text file of the repository, each line prefixed with its number and a tab. Give start_line and end_line (1-based, inclusive) to read part of a long file.",
    schema: z.strictObject({
      path: z.string().describe("file path relative to the repository root"),
      start_line: z.number().int().min(1).optional().describe("first line to show (default 1)"),
      end_line: z.number().int().min(1).optional().describe("last line to show (default: the end)"),
    }),
    async run(args) {
      const file = await resolveInWorkspace(context.root, args.path);
      const info = await stat(file.absolute).catch(() => undefined);
      if (!info) throw new ToolError(`${args.path}: no such file`);
      if (info.isDirectory()) throw new ToolError(`${args.path}: a folder; use list_files`);
      const content = await readFile(file.absolute);
      if (content.includes(0)) throw new ToolError(`${args.path}: a binary file`);
      const lines = content.toString("utf8").split("\n");
      if (lines.at(-1) === "") lines.pop();
      const start = args.start_line ?? 1;
      const end = Math.min(args.end_line ?? lines.length, lines.length);
      if (lines.length === 0) return `${args.path} is empty`;
      if (start > lines.length)
        throw new ToolError(
          `${args.path} has ${lines.length} lines; start_line ${start} is past the end`,
        );
      if (end < start) throw new ToolError(`end_line ${end} is before start_line ${start}`);
      let text = "";
      for (let n = start; n <= end; n += 1) {
        const line = `${n}\t${lines[n - 1]}\n`;
        if (text.length + line.length > context.maxOutputChars) {
          return `${text}[... cut at line ${n - 1} of ${lines.length}: read from start_line ${n}]`;
        }
        text += line;
      }
      return end < lines.length || start > 1
        ? `${text}[lines ${start}-${end} of ${lines.length}]`
        : text;
    },
  });
}
