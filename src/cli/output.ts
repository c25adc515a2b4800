/** Where a command writes: results to stdout, messages to stderr. One place, easy to capture. */
export interface Output {
  /** A result line (or JSON) on stdout. */
  result(text: string): void;
  /** A message for the person at the terminal, on stderr. */
  info(text: string): void;
  /** Whether stderr is an interactive terminal outside CI (progress bars only then). */
  interactive: boolean;
  /** Sets the exit code the command ends with (non-zero for failures that still print a result). */
  setExitCode(code: number): void;
  exitCode(): number;
}

export function processOutput(): Output {
  let code = 0;
  return {
    setExitCode: (value) => {
      code = Math.max(code, value);
    },
    exitCode: () => code,
    result: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    info: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
  };
}

/** Prints a value as indented JSON. */
export function printJson(output: Output, value: unknown): void {
  output.result(JSON.stringify(value, null, 2));
}

/** An error whose message is meant for the user as is (no stack trace). */
export class UsageError extends Error {
  override name = "UsageError";
}
