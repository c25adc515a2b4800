import path from "node:path";
import { runProcess, type ProcessResult } from "../exec/run-process.ts";
import { containerName, currentUser, runInContainer } from "./docker.ts";
import { EnvironmentError } from "./environment-error.ts";
import { overlayCommand, overlayMountFailed, type InstallOverlay } from "./install-overlay.ts";
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
  /** The cached install's folders, mounted over the workspace for this command (host only). */
  overlays?: readonly InstallOverlay[];
}

/**
 * Runs one install, build or test command with bash, on the host or in a fresh container of
 * the task's image. In a container, only install reaches the network (the host's, for its
 * proxy and registries); build and tests run with `--network none` on a read-only image.
 */
export async function runCommand(isolation: Isolation, run: CommandRun): Promise<ProcessResult> {
  if (isolation.kind === "host") {
    const overlays = run.overlays ?? [];
    const { file, args } =
      overlays.length > 0
        ? overlayCommand(overlays, run.command)
        : { file: "bash", args: ["-c", run.command] };
    const result = await runProcess(file, args, {
      cwd: run.cwd,
      env: { ...run.env },
      timeoutMs: run.timeoutMs,
    });
    if (overlays.length > 0 && overlayMountFailed(result.exitCode, result.stderr))
      throw new EnvironmentError(
        `environment: the cached install could not be mounted for the ${run.phase} step: ${result.stderr.trim().slice(-500)}`,
      );
    return result;
  }
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
