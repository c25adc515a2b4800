import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { runProcess } from "../exec/run-process.ts";
import type { EnvironmentSpec } from "../task/schema.ts";
import type { Environment } from "./build-environment.ts";
import { keyFileNames } from "./environment-key.ts";
import { EnvironmentError } from "./environment-error.ts";
import { runSetupCommands } from "./run-setup-commands.ts";

/** How a grading's workspace got its environment, for the report. */
export interface EnvironmentUse {
  key: string;
  /** The cached install was reused (no install ran for this grading). */
  cache_hit: boolean;
  install_ms: number;
  /** Why the install ran again in this grading's workspace (the candidate changed a key file). */
  reinstalled?: string;
  build_ms?: number;
}

export interface ApplyEnvironmentOptions {
  /** Paths the candidate's patch touches. */
  patchPaths: readonly string[];
  /** A folder for the commands' private HOME and TMPDIR. */
  scratch: string;
  cacheDir: string;
  pathPrefix: readonly string[];
}

/** A build that failed on the candidate's code: the candidate's fault, not the grader's. */
export class BuildFailedError extends Error {
  override name = "BuildFailedError";
}

/**
 * Keeps git from seeing an install's outputs in a workspace (`.git/info/exclude`), so that
 * they are never taken for the candidate's changes. Done before the copy starts.
 */
export async function excludeInstall(environment: Environment, workspace: string): Promise<void> {
  if (environment.outputs.length === 0) return;
  await mkdir(path.join(workspace, ".git", "info"), { recursive: true });
  await appendFile(
    path.join(workspace, ".git", "info", "exclude"),
    environment.outputs.map((o) => `/${o}\n`).join(""),
  );
}

/**
 * Copies a cached install's outputs into a workspace: copies, never links, so that a
 * candidate's tests cannot change the cache.
 */
export async function copyInstall(
  environment: Environment,
  workspace: string,
  timeoutSeconds: number,
): Promise<void> {
  if (environment.outputs.length === 0) return;
  const copy = await runProcess(
    "cp",
    // Modes and links kept; owners and times need not be, and skipping them is cheaper.
    [
      "-R",
      "--no-dereference",
      "--preserve=mode,links",
      "--reflink=auto",
      `${path.join(environment.dir, "outputs")}/.`,
      workspace,
    ],
    { cwd: workspace, timeoutMs: timeoutSeconds * 1000 },
  );
  if (copy.exitCode !== 0)
    throw new EnvironmentError(
      `environment: copying ${environment.dir} failed: ${copy.stderr.trim()}`,
    );
}

/**
 * Finishes the environment of a patched workspace that has the install copied in: when the
 * patch changed a key file (a lockfile), the install runs again in this workspace only; then
 * the build commands run on the candidate's code.
 */
export async function applyEnvironment(
  environment: Environment,
  spec: EnvironmentSpec,
  workspace: string,
  options: ApplyEnvironmentOptions,
): Promise<EnvironmentUse> {
  const context = { cwd: workspace, spec, isolation: environment.isolation, ...options };
  const keyFiles = new Set(keyFileNames(spec));
  const changedKeys = options.patchPaths.filter((p) => keyFiles.has(p));
  const use: EnvironmentUse = {
    key: environment.key,
    cache_hit: environment.hit,
    install_ms: environment.installMs,
  };
  if (changedKeys.length > 0) {
    const installed = await runSetupCommands(spec.install, "install", context);
    use.reinstalled = `the candidate changed ${changedKeys.join(", ")}: installed again for this grading (${installed.durationMs} ms)`;
  }
  if (spec.build.length > 0) {
    try {
      use.build_ms = (await runSetupCommands(spec.build, "build", context)).durationMs;
    } catch (error) {
      // The candidate's code is what the build compiles; with no change, the task is broken.
      if (error instanceof EnvironmentError && options.patchPaths.length > 0)
        throw new BuildFailedError(error.message.replace(/^environment: /, ""));
      throw error;
    }
  }
  return use;
}

/** Patch paths inside what the install made (e.g. node_modules/x): the candidate may not touch them. */
export function pathsIntoInstall(
  patchPaths: readonly string[],
  outputs: readonly string[],
): string[] {
  return patchPaths.filter((p) => outputs.some((o) => p === o || p.startsWith(`${o}/`)));
}
