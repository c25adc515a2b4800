import { writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { git } from "../../../core/git/git.ts";
import type { WorkspaceToolContext } from "./context.ts";
import { defineTool, ToolError, type Tool } from "./tool.ts";

/** First lines of git's complaint: enough for the model to see which hunk failed. */
function complaint(stderr: string): string {
  return stderr.trim().split("\n").slice(0, 12).join("\n");
}

/**
 * Applies a unified diff with `git apply`, checked first so that a patch that does not apply
 * changes nothing. git itself refuses paths outside the worktree, in .git, or beyond a
 * symbolic link.
 */
export function applyPatchTool(context: WorkspaceToolContext): Tool {
  let count = 0;
  return defineTool({
    name: "apply_patch",
    description:
      "Apply a unified diff (as `git diff` prints it, paths relative to the repository root with a/ and b/ prefixes) with git apply. Nothing changes when any hunk does not apply.",
    schema: z.strictObject({
      patch: z.string().min(1).describe("the unified diff"),
    }),
    async run(args) {
      count += 1;
      const file = path.join(context.scratchDir, `model-patch-${count}.diff`);
      await writeFile(file, args.patch.endsWith("\n") ? args.patch : `${args.patch}\n`);
      const options = { cwd: context.root, allowFailure: true };
      const flags = ["--recount", "--whitespace=nowarn"];
      const check = await git(["apply", "--check", ...flags, file], options);
      if (check.exitCode !== 0) {
        throw new ToolError(
          `the patch does not apply, nothing was changed:\n${complaint(check.stderr)}\nRead the files again and resend a patch that matches them, or use edit_file.`,
        );
      }
      const applied = await git(["apply", ...flags, file], options);
      if (applied.exitCode !== 0)
        throw new ToolError(`git apply failed:\n${complaint(applied.stderr)}`);
      const stat = await git(["apply", "--stat", ...flags, file], options);
      return `applied:\n${stat.stdout.trim()}`;
    },
  });
}
