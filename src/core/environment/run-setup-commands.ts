import { mkdir } from "node:fs/promises";
import path from "node:path";
import { runProcess } from "../exec/run-process.ts";
import { gradedTestEnv } from "../grade/run-tests.ts";
import type { EnvironmentSpec } from "../task/schema.ts";

/** An install or build step that failed: the message names the step and ends with the log's tail. */
export class EnvironmentError extends Error {
  override name = "EnvironmentError";
}

const LOG_TAIL_CHARS = 2000;

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

function networkSettings(): Record<string, string> {
  return Object.fromEntries(
    NETWORK_SETTINGS.flatMap((name) => {
      const value = process.env[name];
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
}

/**
 * The variables install, build and test commands see: the graded environment (private HOME
 * and TMPDIR, no secrets), shared package-manager download caches, then the task's own.
 */
export function setupEnv(
  context: SetupContext,
  phase: "install" | "build",
): Record<string, string> {
  const home = path.join(context.scratch, "home");
  const tmp = path.join(context.scratch, "tmp");
  return {
    ...gradedTestEnv(home, tmp),
    ...(phase === "install" ? networkSettings() : {}),
    npm_config_cache: path.join(context.cacheDir, "downloads", "npm"),
    PIP_CACHE_DIR: path.join(context.cacheDir, "downloads", "pip"),
    ...context.spec.env,
    PATH: [...context.pathPrefix, process.env.PATH ?? "/usr/bin:/bin"].join(path.delimiter),
  };
}

/**
 * Runs install or build commands in order with bash, each in its own process group with the
 * environment's timeout. Resolves to the whole log; throws an EnvironmentError naming the
 * step that failed, with the log's tail.
 */
export async function runSetupCommands(
  commands: readonly string[],
  phase: "install" | "build",
  context: SetupContext,
): Promise<{ log: string; durationMs: number }> {
  const env = setupEnv(context, phase);
  await Promise.all([
    mkdir(env.HOME!, { recursive: true }),
    mkdir(env.TMPDIR!, { recursive: true }),
  ]);
  let log = "";
  let durationMs = 0;
  for (const command of commands) {
    const result = await runProcess("bash", ["-c", command], {
      cwd: context.cwd,
      env,
      timeoutMs: context.spec.timeout_seconds * 1000,
    });
    durationMs += result.durationMs;
    log += `$ ${command}\n${result.stdout}${result.stderr}\n`;
    if (result.exitCode !== 0 || result.timedOut) {
      const how = result.timedOut
        ? `timed out after ${context.spec.timeout_seconds} s`
        : `exited ${result.exitCode ?? result.signal}`;
      throw new EnvironmentError(
        `environment: ${phase} step "${command}" ${how}; log tail:\n${log.slice(-LOG_TAIL_CHARS)}`,
      );
    }
  }
  return { log, durationMs };
}
