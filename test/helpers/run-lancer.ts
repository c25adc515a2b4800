import path from "node:path";
import { execa } from "execa";

const BIN = path.resolve(import.meta.dirname, "../../bin/lancer.js");

export interface LancerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `lancer` executable as a child process, the way a user does. */
export async function runLancer(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<LancerResult> {
  const result = await execa(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { CI: "true", ...options.env },
    reject: false,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs lancer with --json and parses stdout. */
export async function runLancerJson<T = Record<string, unknown>>(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<T & { exitCode: number; stderr: string }> {
  const result = await runLancer([...args, "--json"], options);
  let parsed: T;
  try {
    parsed = JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(
      `lancer ${args.join(" ")} printed no JSON (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return { ...parsed, exitCode: result.exitCode, stderr: result.stderr };
}
