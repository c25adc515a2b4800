import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { git } from "../../../core/git/git.ts";
import { resolveInWorkspace } from "../workspace-path.ts";
import type { WorkspaceToolContext } from "./context.ts";
import { defineTool, type Tool } from "./tool.ts";

/** Enough to see the shape of a project without flooding the conversation. */
const MAX_ENTRIES = 1000;

/** Lists the repository's files (tracked and new, not ignored) under a folder. */
export function listFilesTool(context: WorkspaceToolContext): Tool {
  return defineTool({
    name: "list_files",
    description:
      "List the files of the repository (tracked and new ones, not ignored) under a folder, one path per line.",
    schema: z.strictObject({
      path: z
        .string()
        .default(".")
        .describe("folder relative to the repository root; default: the whole repository"),
    }),
    async run(args) {
      const where = await resolveInWorkspace(context.root, args.path);
      const listed = await git(
        ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", where.relative],
        { cwd: context.root },
      );
      const files = [...new Set(listed.stdout.split("\0").filter(Boolean))]
        .filter((f) => existsSync(path.join(context.root, f)))
        .sort();
      if (files.length === 0) return `no files under ${args.path}`;
      const shown = files.slice(0, MAX_ENTRIES).join("\n");
      return files.length > MAX_ENTRIES
        ? `${shown}\n[... ${files.length - MAX_ENTRIES} more files: list a narrower folder]`
        : shown;
    },
  });
}
