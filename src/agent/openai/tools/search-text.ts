import { z } from "zod";
import { git } from "../../../core/git/git.ts";
import { resolveInWorkspace } from "../workspace-path.ts";
import type { WorkspaceToolContext } from "./context.ts";
import { capText, defineTool, ToolError, type Tool } from "./tool.ts";

/** Enough matches to find one's way; more means the pattern is too broad. */
const MAX_MATCHES = 200;

/** Searches the repository's text files (git grep, new files included) for a string or regex. */
export function searchTextTool(context: WorkspaceToolContext): Tool {
  return defineTool({
    name: "search_text",
    description:
      "Search the repository's text files for a string (or an extended regular expression with regex: true). Prints path:line:text for each match.",
    schema: z.strictObject({
      pattern: z.string().min(1).describe("the text to look for"),
      path: z.string().default(".").describe("folder or file to search (default: everything)"),
      regex: z.boolean().default(false).describe("treat pattern as an extended regular expression"),
      ignore_case: z.boolean().default(false),
    }),
    async run(args) {
      const where = await resolveInWorkspace(context.root, args.path);
      const result = await git(
        [
          "grep",
          "-n",
          "-I",
          "--untracked",
          "--no-color",
          args.regex ? "-E" : "-F",
          ...(args.ignore_case ? ["-i"] : []),
          "-e",
          args.pattern,
          "--",
          where.relative,
        ],
        { cwd: context.root, allowFailure: true },
      );
      if (result.exitCode === 1) return `no matches for ${JSON.stringify(args.pattern)}`;
      if (result.exitCode !== 0)
        throw new ToolError(`search failed: ${result.stderr.trim().split("\n")[0] ?? ""}`);
      const lines = result.stdout.split("\n").filter(Boolean);
      const shown = lines.slice(0, MAX_MATCHES).join("\n");
      const more =
        lines.length > MAX_MATCHES
          ? `\n[... ${lines.length - MAX_MATCHES} more matches: narrow the search]`
          : "";
      return capText(shown, context.maxOutputChars) + more;
    },
  });
}
