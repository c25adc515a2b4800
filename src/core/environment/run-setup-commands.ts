import { mkdir } from "node:fs/promises";
import path from "node:path";
import { gradedTestEnv } from "../grade/run-tests.ts";
import type { EnvironmentSpec } from "../task/schema.ts";
import { EnvironmentError } from "./environment-error.ts";
import type { InstallOverlay } from "./install-overlay.ts";
import type { Isolation } from "./isolation.ts";
import { runCommand } from "./run-command.ts";

const LOG_HEAD_CHARS = 800;
const LOG_TAIL_CHARS = 1600;

/** A failed step's output, shortened: tools print the cause first (npm) or last (most). */
function headAndTail(text: string): string {
  if (text.length <= LOG_HEAD_CHARS + LOG_TAIL_CHARS) return text;
  const dropped = text.length - LOG_HEAD_CHARS - LOG_TAIL_CHARS;
  return `${text.slice(0, LOG_HEAD_CHARS)}\n[... ${dropped} characters ...]\n${text.slice(-LOG_TAIL_CHARS)}`;
}

/**
 * How this machine reaches package registries (proxies, extra TLS roots): passed to install
 * steps only, so that an install works where the machine's own `npm ci` works. Paths and
 * URLs, never tokens; tests and builds do not get them.
 */
const NETWORK_SETTINGS = [
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "PIP_CERT",
  "PIP_INDEX_URL",
  "CURL_CA_BUNDLE",
  "GIT_SSL_CAINFO",
  "npm_config_registry",
  "npm_config_cafile",
];

/** This machine's proxy and TLS-root variables that are set (paths and URLs, never tokens). */
export function networkSettings(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(
    NETWORK_SETTINGS.flatMap((name) => {
      const value = env[name];
      return value ? [[name, value]] : [];
    }),
  );
}

export interface SetupContext {
  cwd: string;
  spec: EnvironmentSpec;
  /** A folder for the private HOME and TMPDIR of the commands. */
  scratch: string;
  /** Lancer's cache: package managers keep their download caches under it. */
  cacheDir: string;
  pathPrefix: readonly string[];
  isolation: Isolation;
  /** The cached install's folders mounted over the workspace (host only). */
  overlays?: readonly InstallOverlay[];
}

/**
 * The variables install, build and test commands see: the graded environment (private HOME
 * and TMPDIR, no secrets), shared package-manager download caches, then the task's own.
 */
export function setupEnv(
  context: SetupContext,
  phase: "install" | "build",
): Record<string, string> {
  return {
    ...gradedTestEnv(path.join(context.scratch, "home"), path.join(context.scratch, "tmp")),
    ...(phase === "install" ? networkSettings() : {}),
    npm_config_cache: path.join(downloadsDir(context), "npm"),
    PIP_CACHE_DIR: path.join(downloadsDir(context), "pip"),
    ...context.spec.env,
    PATH: [...context.pathPrefix, process.env.PATH ?? "/usr/bin:/bin"].join(path.delimiter),
  };
}

/** Where package managers keep what they download, shared by every environment. */
function downloadsDir(context: SetupContext): string {
  return path.join(context.cacheDir, "downloads");
}

/**
 * Runs install or build commands in order with bash, each in its own process group with the
 * environment's timeout. Resolves to the whole log; throws an EnvironmentError naming the
 * step that failed, with the start and end of its log.
 */
export async function runSetupCommands(
  commands: readonly string[],
  phase: "install" | "build",
  context: SetupContext,
): Promise<{ log: string; durationMs: number }> {
  const env = setupEnv(context, phase);
  const home = path.join(context.scratch, "home");
  const tmp = path.join(context.scratch, "tmp");
  const mounts = [context.cwd, home, tmp, downloadsDir(context)];
  await Promise.all(mounts.slice(1).map((dir) => mkdir(dir, { recursive: true })));
  let log = "";
  let durationMs = 0;
  for (const command of commands) {
    const result = await runCommand(context.isolation, {
      command,
      cwd: context.cwd,
      env,
      timeoutMs: context.spec.timeout_seconds * 1000,
      phase,
      mounts,
      ...(context.overlays ? { overlays: context.overlays } : {}),
    });
    durationMs += result.durationMs;
    log += `$ ${command}\n${result.stdout}${result.stderr}\n`;
    if (result.exitCode !== 0 || result.timedOut) {
      const how = result.timedOut
        ? `timed out after ${context.spec.timeout_seconds} s`
        : `exited ${result.exitCode ?? result.signal}`;
      const where = context.isolation.kind === "container" ? ` in ${context.isolation.image}` : "";
      throw new EnvironmentError(
        `environment: ${phase} step "${command}"${where} ${how}; its log:\n${headAndTail(result.stdout + result.stderr)}`,
      );
    }
  }
  return { log, durationMs };
}
