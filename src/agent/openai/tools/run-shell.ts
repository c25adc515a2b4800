import { mkdir } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { runProcess } from "../../../core/exec/run-process.ts";
import type { WorkspaceToolContext } from "./context.ts";
import { capText, defineTool, type Tool } from "./tool.ts";

/** What runProcess keeps of each stream; the model sees at most maxOutputChars of it. */
const CAPTURE_BYTES = 1024 * 1024;

/**
 * Runs a bash command at the repository root, in its own process group, with a timeout that
 * kills the group, and an environment holding no secrets (PATH, locale, a private HOME).
 */
export function runShellTool(context: WorkspaceToolContext): Tool {
  const limitSeconds = Math.max(1, Math.floor(context.shellTimeoutMs / 1000));
  return defineTool({
    name: "run_shell",
    description: `Run a bash command at the repository root (for example the project's tests) and get its exit code and output. It is killed after timeout_seconds (at most ${limitSeconds}). No network access should be assumed; nothing is installed for you.`,
    schema: z.strictObject({
      command: z.string().min(1).describe("the bash command"),
      timeout_seconds: z
        .number()
        .positive()
        .optional()
        .describe(`time limit in seconds (default and maximum ${limitSeconds})`),
    }),
    async run(args) {
      const home = path.join(context.scratchDir, "home");
      const tmp = path.join(context.scratchDir, "tmp");
      await Promise.all([mkdir(home, { recursive: true }), mkdir(tmp, { recursive: true })]);
      const timeoutMs = Math.min(
        context.shellTimeoutMs,
        args.timeout_seconds === undefined ? Infinity : args.timeout_seconds * 1000,
      );
      const result = await runProcess("bash", ["-c", args.command], {
        cwd: context.root,
        baseEnv: "scrubbed",
        env: {
          PATH: [...context.pathPrefix, process.env.PATH ?? "/usr/bin:/bin"].join(path.delimiter),
          HOME: home,
          TMPDIR: tmp,
          CI: "true",
        },
        timeoutMs,
        maxOutputBytes: CAPTURE_BYTES,
      });
      const status = result.timedOut
        ? `timed out after ${timeoutMs / 1000} s (the command and its children were killed)`
        : result.signal
          ? `killed by ${result.signal}`
          : `exit code ${result.exitCode}`;
      const half = Math.floor(context.maxOutputChars / 2);
      return [
        status,
        "--- stdout ---",
        capText(result.stdout, half),
        "--- stderr ---",
        capText(result.stderr, half),
      ].join("\n");
    },
  });
}
