import path from "node:path";
import { runProcess, type ProcessResult } from "../exec/run-process.ts";
import { containerName, currentUser, runInContainer } from "./docker.ts";
import type { Isolation } from "./isolation.ts";

/** The three kinds of command a grading runs, which differ in what they may reach. */
export type CommandPhase = "install" | "build" | "test";

export interface CommandRun {
  command: string;
  cwd: string;
  /** Every variable the command sees; PATH is used on the host only. */
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  phase: CommandPhase;
  /** Folders the command writes (a container binds them; the host needs nothing). */
  mounts: readonly string[];
}

/**
 * Runs one install, build or test command with bash, on the host or in a fresh container of
 * the task's image. In a container, only install reaches the network (the host's, for its
 * proxy and registries); build and tests run with `--network none` on a read-only image.
 */
export function runCommand(isolation: Isolation, run: CommandRun): Promise<ProcessResult> {
  if (isolation.kind === "host")
    return runProcess("bash", ["-c", run.command], {
      cwd: run.cwd,
      env: { ...run.env },
      timeoutMs: run.timeoutMs,
    });
  return runInContainer(
    {
      image: isolation.image,
      command: run.command,
      cwd: run.cwd,
      env: run.env,
      mounts: [...new Set(run.mounts.map((m) => path.resolve(m)))],
      network: run.phase === "install" ? "host" : "none",
      readOnlyRoot: run.phase !== "install",
      name: containerName(),
      user: currentUser(),
    },
    run.timeoutMs,
  );
}
