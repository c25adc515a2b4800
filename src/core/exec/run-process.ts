import { execa } from "execa";
import type { Readable } from "node:stream";

/** How much of each output stream is kept by default (head and tail halves). */
const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Variables a graded process may inherit; everything else (tokens, keys) is dropped. */
const SCRUBBED_ENV_ALLOWLIST = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ"];

export interface RunProcessOptions {
  cwd: string;
  /** Variables added on top of the base environment. */
  env?: Record<string, string>;
  /** `scrubbed` (default): only PATH and locale; `inherit`: the full parent environment. */
  baseEnv?: "scrubbed" | "inherit";
  timeoutMs?: number;
  input?: string | Buffer;
  maxOutputBytes?: number;
}

export interface ProcessResult {
  command: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** True when an output stream was longer than the cap and its middle was dropped. */
  truncated: boolean;
  durationMs: number;
}

/** Thrown when the program could not be started at all (not found, not executable). */
export class SpawnError extends Error {
  override name = "SpawnError";
}

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A hanging test must never outlive Lancer, whatever way Lancer ends.
  process.on("exit", () => liveGroups.forEach(killGroup));
}

/** Builds the environment of a child: the scrubbed or inherited base plus `extra`. */
export function buildEnv(
  baseEnv: "scrubbed" | "inherit",
  extra: Record<string, string> = {},
): Record<string, string> {
  const base: Record<string, string> = {};
  if (baseEnv === "inherit") {
    for (const [key, value] of Object.entries(process.env))
      if (value !== undefined) base[key] = value;
  } else {
    for (const key of SCRUBBED_ENV_ALLOWLIST) {
      const value = process.env[key];
      if (value !== undefined) base[key] = value;
    }
  }
  return { ...base, ...extra };
}

/** Collects a stream, keeping at most `cap` bytes: the first and the last halves. */
function collect(
  stream: Readable | null,
  cap: number,
): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    if (!stream) return resolve({ text: "", truncated: false });
    const half = Math.floor(cap / 2);
    const head: Buffer[] = [];
    let headBytes = 0;
    let tail: Buffer[] = [];
    let tailBytes = 0;
    let dropped = 0;
    stream.on("data", (chunk: Buffer) => {
      if (headBytes < half) {
        const take = chunk.subarray(0, half - headBytes);
        head.push(take);
        headBytes += take.length;
        chunk = chunk.subarray(take.length);
      }
      if (chunk.length === 0) return;
      tail.push(chunk);
      tailBytes += chunk.length;
      if (tailBytes > half * 2) {
        const joined = Buffer.concat(tail);
        const keep = joined.subarray(joined.length - half);
        dropped += joined.length - keep.length;
        tail = [keep];
        tailBytes = keep.length;
      }
    });
    stream.on("error", reject);
    stream.on("end", () => {
      let tailBuffer = Buffer.concat(tail);
      if (tailBuffer.length > half) {
        dropped += tailBuffer.length - half;
        tailBuffer = tailBuffer.subarray(tailBuffer.length - half);
      }
      const marker = dropped > 0 ? `\n[... ${dropped} bytes dropped by lancer ...]\n` : "";
      resolve({
        text: Buffer.concat(head).toString("utf8") + marker + tailBuffer.toString("utf8"),
        truncated: dropped > 0,
      });
    });
  });
}

/**
 * Runs a program in its own process group with a timeout that kills the whole group,
 * an environment scrubbed of secrets, and output captured up to a cap. Never rejects
 * because of the exit code; rejects with SpawnError when the program cannot start.
 */
export async function runProcess(
  file: string,
  args: readonly string[],
  options: RunProcessOptions,
): Promise<ProcessResult> {
  installExitHook();
  const started = performance.now();
  const cap = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const command = [file, ...args].join(" ");
  const child = execa(file, args, {
    cwd: options.cwd,
    env: buildEnv(options.baseEnv ?? "scrubbed", options.env),
    extendEnv: false,
    detached: true,
    cleanup: false,
    buffer: false,
    reject: false,
    stdin: options.input === undefined ? "ignore" : "pipe",
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined || pid === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killGroup(pid);
        }, options.timeoutMs);
  // When the leader exits, whatever it left running in its group goes too, so that
  // background children holding our pipes cannot keep the result from arriving.
  child.once("exit", () => {
    if (pid !== undefined) killGroup(pid);
  });
  const [stdout, stderr, result] = await Promise.all([
    collect(child.stdout, cap),
    collect(child.stderr, cap),
    child,
  ]).finally(() => {
    clearTimeout(timer);
    if (pid !== undefined) liveGroups.delete(pid);
  });
  if (result.failed && result.exitCode === undefined && !result.isTerminated) {
    throw new SpawnError(`could not start ${command}: ${result.shortMessage}`);
  }
  return {
    command,
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    timedOut,
    stdout: stdout.text,
    stderr: stderr.text,
    truncated: stdout.truncated || stderr.truncated,
    durationMs: Math.round(performance.now() - started),
  };
}
