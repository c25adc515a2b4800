import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { runProcess } from "../exec/run-process.ts";
import type { EnvironmentSpec } from "../task/schema.ts";
import type { Environment } from "./build-environment.ts";
import { keyFileNames } from "./environment-key.ts";
import { EnvironmentError } from "./environment-error.ts";
import { COMPILE_CACHE } from "./compile-cache.ts";
import type { InstallOverlay, InstallPart } from "./install-overlay.ts";
import { networkRefusal, networkRefusalMessage } from "./network-refusal.ts";
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
  /**
   * How the cached install reached the workspace: `overlay` (mounted over the cache, nothing
   * copied; root on Linux) or `copy`.
   */
  placed: "overlay" | "copy";
}

export interface ApplyEnvironmentOptions {
  /** Paths the candidate's patch touches. */
  patchPaths: readonly string[];
  /** A folder for the commands' private HOME and TMPDIR. */
  scratch: string;
  cacheDir: string;
  pathPrefix: readonly string[];
  /** The cached install's folders mounted over the workspace (host only). */
  overlays?: readonly InstallOverlay[];
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

/** What a workspace gets of a cached install: its outputs, and Node's compile cache. */
export function installParts(
  environment: Environment,
  workspace: string,
  scratch: string,
): InstallPart[] {
  const outputs = path.join(environment.dir, "outputs");
  const parts: InstallPart[] = environment.outputs.map((o) => ({
    from: path.join(outputs, o),
    to: path.join(workspace, o),
  }));
  if (environment.compileCache)
    parts.push({
      from: environment.compileCache,
      to: path.join(scratch, "tmp", COMPILE_CACHE),
      readOnly: true,
    });
  return parts;
}

/**
 * Copies parts of a cached install into a workspace: copies, never links, so that a
 * candidate's tests cannot change the cache.
 */
export async function copyInstall(
  environment: Environment,
  parts: readonly InstallPart[],
  timeoutSeconds: number,
): Promise<void> {
  for (const { from, to } of parts) {
    await mkdir(path.dirname(to), { recursive: true });
    const copy = await runProcess(
      "cp",
      // Modes, links and times kept (npm trusts node_modules/.package-lock.json only when it
      // is newer than the folders); owners need not be.
      ["-R", "--no-dereference", "--preserve=mode,links,timestamps", "--reflink=auto", from, to],
      { cwd: path.dirname(to), timeoutMs: timeoutSeconds * 1000 },
    );
    if (copy.exitCode !== 0)
      throw new EnvironmentError(
        `environment: copying ${environment.dir} failed: ${copy.stderr.trim()}`,
      );
  }
}

/** Whether a patch changes a file that keys the environment (then the install runs again). */
export function changedKeyFiles(spec: EnvironmentSpec, patchPaths: readonly string[]): string[] {
  const keyFiles = new Set(keyFileNames(spec));
  return patchPaths.filter((p) => keyFiles.has(p));
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
  const changedKeys = changedKeyFiles(spec, options.patchPaths);
  const use: EnvironmentUse = {
    key: environment.key,
    cache_hit: environment.hit,
    install_ms: environment.installMs,
    placed: (options.overlays?.length ?? 0) > 0 ? "overlay" : "copy",
  };
  if (changedKeys.length > 0) {
    const installed = await runSetupCommands(spec.install, "install", context);
    use.reinstalled = `the candidate changed ${changedKeys.join(", ")}: installed again for this grading (${installed.durationMs} ms)`;
  }
  if (spec.build.length > 0) {
    try {
      use.build_ms = (await runSetupCommands(spec.build, "build", context)).durationMs;
    } catch (error) {
      // The candidate's code is what the build compiles; with no change, the task is broken,
      // and so it is when the build reached for a network it does not have.
      if (!(error instanceof EnvironmentError)) throw error;
      const refused = environment.isolation.kind === "container" && networkRefusal(error.message);
      if (refused) throw new EnvironmentError(networkRefusalMessage("build", refused));
      if (options.patchPaths.length > 0)
        throw new BuildFailedError(error.message.replace(/^environment: /, ""));
      throw error;
    }
  }
  return use;
}

/**
 * Patch paths inside what the install made (e.g. node_modules/x), or on the way to it (a
 * folder holding an install turned into a file or link): the candidate may not touch them.
 */
export function pathsIntoInstall(
  patchPaths: readonly string[],
  outputs: readonly string[],
): string[] {
  return patchPaths.filter((p) =>
    outputs.some((o) => p === o || p.startsWith(`${o}/`) || o.startsWith(`${p}/`)),
  );
}
