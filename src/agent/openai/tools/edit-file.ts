import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { resolveInWorkspace } from "../workspace-path.ts";
import type { WorkspaceToolContext } from "./context.ts";
import { defineTool, ToolError, type Tool } from "./tool.ts";

function occurrences(text: string, search: string): number {
  let count = 0;
  for (let at = text.indexOf(search); at !== -1; at = text.indexOf(search, at + search.length))
    count += 1;
  return count;
}

/** Search-and-replace in one file; an empty old_text creates a new file. */
export function editFileTool(context: WorkspaceToolContext): Tool {
  return defineTool({
    name: "edit_file",
    description:
      "Replace old_text with new_text in a file. old_text must match the file exactly (spaces and line breaks included) and occur once, unless replace_all is true. With an empty old_text, creates a new file holding new_text.",
    schema: z.strictObject({
      path: z.string().describe("file path relative to the repository root"),
      old_text: z.string().describe("the exact text to replace; empty to create a new file"),
      new_text: z.string().describe("the replacement text"),
      replace_all: z.boolean().default(false).describe("replace every occurrence"),
    }),
    async run(args) {
      const file = await resolveInWorkspace(context.root, args.path);
      const info = await stat(file.absolute).catch(() => undefined);
      if (args.old_text === "") {
        if (info) throw new ToolError(`${args.path} already exists; give old_text to edit it`);
        await mkdir(path.dirname(file.absolute), { recursive: true });
        await writeFile(file.absolute, args.new_text);
        return `created ${file.relative}`;
      }
      if (!info) throw new ToolError(`${args.path}: no such file (an empty old_text creates one)`);
      if (!info.isFile()) throw new ToolError(`${args.path}: not a file`);
      const text = await readFile(file.absolute, "utf8");
      const count = occurrences(text, args.old_text);
      if (count === 0) {
        throw new ToolError(
          `old_text was not found in ${args.path}; it must match exactly, spaces and line breaks included (read the file again)`,
        );
      }
      if (count > 1 && !args.replace_all) {
        throw new ToolError(
          `old_text occurs ${count} times in ${args.path}; add surrounding lines to make it unique, or set replace_all`,
        );
      }
      await writeFile(file.absolute, text.split(args.old_text).join(args.new_text));
      return `edited ${file.relative} (${count} replacement${count === 1 ? "" : "s"})`;
    },
  });
}
