import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { runProcess, type ProcessResult } from "../exec/run-process.ts";
import { EnvironmentError } from "./environment-error.ts";

/** One command run in a fresh container (`docker run --rm`). */
export interface ContainerRun {
  image: string;
  command: string;
  /** The working folder, inside and outside (every mount keeps its host path). */
  cwd: string;
  /** Variables the command sees; PATH is the image's own. */
  env: Readonly<Record<string, string>>;
  /** Host folders bound read-write at the same path inside. */
  mounts: readonly string[];
  /**
   * `none` (build and tests: nothing reaches the network) or `host` (install: the machine's
   * own route to the registries, its proxy included).
   */
  network: "none" | "host";
  /** The image's files read-only, with a private /tmp (build and tests). */
  readOnlyRoot: boolean;
  name: string;
  /** `uid:gid`: files the command writes in the mounts belong to the grader. */
  user: string;
}

/** How many processes a container may hold: a fork bomb stops here, not at the machine. */
const PIDS_LIMIT = 4096;

/** Variables the docker client itself needs to find its daemon; never passed into the container. */
const CLIENT_ENV = [
  "DOCKER_HOST",
  "DOCKER_CONTEXT",
  "DOCKER_CONFIG",
  "DOCKER_CERT_PATH",
  "DOCKER_TLS_VERIFY",
];

/**
 * The `docker run` arguments for one command. Values of variables are not in the arguments
 * (`-e NAME` takes them from the client's environment), so they never show in a process list.
 */
export function dockerRunArgs(run: ContainerRun): string[] {
  const args = [
    "run",
    "--rm",
    "--name",
    run.name,
    "--label",
    "lancer=grading",
    "--init",
    "--entrypoint",
    "bash",
    "--user",
    run.user,
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--pids-limit",
    String(PIDS_LIMIT),
    "--network",
    run.network,
  ];
  // Without it `localhost` has no ::1 inside a container with no network.
  if (run.network === "none") args.push("--sysctl", "net.ipv6.conf.lo.disable_ipv6=0");
  if (run.readOnlyRoot) args.push("--read-only", "--tmpfs", "/tmp:rw,exec,size=1g");
  for (const mount of run.mounts) {
    if (/[,"\n]/.test(mount))
      throw new EnvironmentError(
        `environment: the folder ${JSON.stringify(mount)} cannot be given to docker (a comma, quote or newline in its path)`,
      );
    args.push("--mount", `type=bind,source=${mount},target=${mount}`);
  }
  for (const name of Object.keys(run.env).sort()) if (name !== "PATH") args.push("-e", name);
  args.push("--workdir", run.cwd, run.image, "-c", run.command);
  return args;
}

const liveContainers = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Killing the docker client leaves its container running: remove them when Lancer ends.
  process.on("exit", () => {
    if (liveContainers.size > 0)
      spawnSync("docker", ["rm", "--force", ...liveContainers], { stdio: "ignore" });
  });
}

/**
 * Removes the named container if Lancer ends while it runs (a killed client leaves it running);
 * returns the function that forgets it once it was removed the ordinary way.
 */
export function removeOnExit(name: string): () => void {
  installExitHook();
  liveContainers.add(name);
  return () => liveContainers.delete(name);
}

/** The variables the docker client needs to find its daemon (DOCKER_HOST, …), and nothing else. */
export function clientEnv(): Record<string, string> {
  return Object.fromEntries(
    CLIENT_ENV.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
}

/** The grader's own `uid:gid`, so that what the command writes stays the grader's to remove. */
export function currentUser(): string {
  return `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
}

/** A container name that is unique and says whose it is. */
export function containerName(): string {
  return `lancer-${randomUUID()}`;
}

/**
 * Runs a command in a fresh container and removes it; on a timeout the container is removed
 * too (killing the client alone would leave it running). Exit status 125 is Docker's own
 * failure (the daemon refused the run), an EnvironmentError.
 */
export async function runInContainer(
  run: ContainerRun,
  timeoutMs: number,
  maxOutputBytes?: number,
): Promise<ProcessResult> {
  installExitHook();
  liveContainers.add(run.name);
  try {
    const result = await runProcess("docker", dockerRunArgs(run), {
      cwd: run.cwd,
      env: { ...run.env, ...clientEnv() },
      timeoutMs,
      ...(maxOutputBytes === undefined ? {} : { maxOutputBytes }),
    });
    if (result.timedOut || result.signal !== null)
      await runProcess("docker", ["rm", "--force", run.name], {
        cwd: run.cwd,
        env: clientEnv(),
        timeoutMs: 60_000,
      });
    if (result.exitCode === 125 && /^docker: /m.test(result.stderr))
      throw new EnvironmentError(
        `environment: docker could not run ${run.image}: ${result.stderr.trim().slice(-1000)}`,
      );
    return result;
  } finally {
    liveContainers.delete(run.name);
  }
}

const imageIds = new Map<string, Promise<string>>();

/**
 * The id of an image on this machine, pulled first when it is not there. Throws an
 * EnvironmentError naming what is missing: the docker client, a daemon that answers, or the
 * image. Asked once per image per process.
 */
export function dockerImageId(image: string): Promise<string> {
  let pending = imageIds.get(image);
  if (!pending) {
    pending = findImage(image);
    pending.catch(() => imageIds.delete(image));
    imageIds.set(image, pending);
  }
  return pending;
}

async function docker(name: string, args: string[], timeoutMs: number): Promise<ProcessResult> {
  try {
    return await runProcess("docker", args, { cwd: "/", env: clientEnv(), timeoutMs });
  } catch (error) {
    throw new EnvironmentError(
      `environment: image ${name} needs docker, and the docker client cannot be started (${(error as Error).message}); install Docker, or grade with --isolation host`,
    );
  }
}

async function findImage(name: string): Promise<string> {
  const inspect = ["image", "inspect", "--format", "{{.Id}}", name];
  const found = await docker(name, inspect, 60_000);
  if (found.exitCode === 0) return found.stdout.trim();
  const server = await docker(name, ["version", "--format", "{{.Server.Version}}"], 30_000);
  if (server.exitCode !== 0 || server.stdout.trim() === "")
    throw new EnvironmentError(
      `environment: image ${name} needs a Docker daemon, and none answers (${lastLine(server.stderr)}); start dockerd, or grade with --isolation host`,
    );
  const pulled = await docker(name, ["pull", "--quiet", name], 60 * 60_000);
  if (pulled.exitCode !== 0)
    throw new EnvironmentError(
      `environment: image ${name} is not on this machine and cannot be pulled (${lastLine(pulled.stderr)}); make it with docker pull, docker build or docker import first`,
    );
  const again = await docker(name, inspect, 60_000);
  if (again.exitCode !== 0)
    throw new EnvironmentError(`environment: image ${name}: ${lastLine(again.stderr)}`);
  return again.stdout.trim();
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) ?? "no output";
}
