import { Command, CommanderError } from "commander";
import { registerBot } from "./commands/bot.ts";
import { registerCache } from "./commands/cache.ts";
import { registerCheckout } from "./commands/checkout.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerGrade } from "./commands/grade.ts";
import { registerImport } from "./commands/import.ts";
import { registerReport } from "./commands/report.ts";
import { registerRun } from "./commands/run.ts";
import { registerSandbox } from "./commands/sandbox.ts";
import { registerSeed } from "./commands/seed.ts";
import { registerSolve } from "./commands/solve.ts";
import { registerTasks } from "./commands/tasks.ts";
import { registerValidate } from "./commands/validate.ts";
import { processOutput, UsageError, type Output } from "./output.ts";

/** Builds the `lancer` program with every command registered. */
export function buildProgram(output: Output): Command {
  const program = new Command("lancer")
    .description("SWE-Lancer on GitHub: priced tasks, hidden-test grading, payouts and a ledger")
    // One line names what was wrong; the whole usage is one --help away.
    .showHelpAfterError("(see lancer <command> --help)")
    .exitOverride();
  for (const register of [
    registerImport,
    registerTasks,
    registerCheckout,
    registerRun,
    registerGrade,
    registerReport,
    registerValidate,
    registerCache,
    registerSolve,
    registerSandbox,
    registerSeed,
    registerBot,
    registerDemo,
  ]) {
    register(program, output);
  }
  return program;
}

/**
 * Graded tests run in their own process groups, so a Ctrl-C at the terminal does not reach
 * them. Leaving through process.exit runs run-process's exit hook, which kills them.
 */
function stopChildrenOnSignals(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}

/** `lancer … | head` closes stdout early: that is the reader being done, not a crash. */
function quietOnClosedStdout(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** Runs the `lancer` command line and resolves to the process exit code. */
export async function main(argv: string[], output: Output = processOutput()): Promise<number> {
  stopChildrenOnSignals();
  quietOnClosedStdout();
  const program = buildProgram(output);
  try {
    await program.parseAsync(argv);
    return output.exitCode();
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const message = error instanceof Error ? error.message : String(error);
    output.info(`lancer: ${message}`);
    if (process.env.LANCER_DEBUG && error instanceof Error && !(error instanceof UsageError)) {
      output.info(error.stack ?? "");
    }
    return 1;
  }
}
