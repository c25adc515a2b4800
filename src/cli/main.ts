import { Command } from "commander";

/** Runs the `lancer` command line and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("lancer").description("SWE-Lancer on GitHub");
  await program.parseAsync(argv);
  return 0;
}
