import { lstat, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runProcess } from "../exec/run-process.ts";

/**
 * A folder of a cached install shown in a workspace without copying it: an overlay mount whose
 * lower layer is the cache (never written) and whose upper layer is the grading's own, so a
 * test that writes into `node_modules` changes only its grading. Mounted in a private mount
 * namespace of each command (`unshare --mount`), so nothing outside the command sees it and
 * nothing is left mounted when the command ends.
 */
export interface InstallOverlay {
  /**
   * `overlay` (writable, the writes kept in `upper`) or `read-only` (a read-only bind mount,
   * for what only the runtime writes to, such as Node's compile cache: no overlay to read
   * through, and a write is refused rather than kept).
   */
  kind: "overlay" | "read-only";
  /** The cached folder (e.g. `<cache>/envs/<key>/outputs/node_modules`). */
  lower: string;
  /** Where it appears (e.g. `<workspace>/node_modules`); an empty folder until mounted. */
  target: string;
  /** The grading's writes; with `work`, in the grading's scratch folder. */
  upper: string;
  work: string;
}

/** Exit status the mount script uses when a mount fails, so that it is not read as the tests'. */
const MOUNT_FAILED = 222;

/** `lowerdir=…,upperdir=…` cannot hold these; such a path is copied instead. */
const UNSAFE_IN_OPTIONS = /[,:\n\\]/;

/**
 * The bash program that mounts every overlay, then runs the command: arguments are the count
 * of mounts, five per mount (kind, lower, upper, work, target), then the command.
 */
const MOUNT_SCRIPT = [
  "n=$1; shift",
  "for ((i = 0; i < n; i++)); do",
  '  if [ "$1" = read-only ]; then mount --bind -o ro "$2" "$5"',
  '  else mount -t overlay overlay -o "lowerdir=$2,upperdir=$3,workdir=$4" "$5"; fi ||',
  `    { echo "lancer: cannot mount the cached install at $5" >&2; exit ${MOUNT_FAILED}; }`,
  "  shift 5",
  "done",
  'exec bash -c "$1"',
].join("\n");

/** The program and arguments that run `command` with the overlays mounted. */
export function overlayCommand(
  overlays: readonly InstallOverlay[],
  command: string,
): { file: string; args: string[] } {
  const paths = overlays.flatMap((o) => [o.kind, o.lower, o.upper, o.work, o.target]);
  return {
    file: "unshare",
    args: [
      "--mount",
      "--propagation",
      "private",
      "--",
      "bash",
      "-c",
      MOUNT_SCRIPT,
      "lancer-overlay",
      String(overlays.length),
      ...paths,
      command,
    ],
  };
}

/** True when a command's exit status says its overlays could not be mounted. */
export function overlayMountFailed(exitCode: number | null, stderr: string): boolean {
  return exitCode === MOUNT_FAILED && stderr.includes("lancer: cannot mount the cached install");
}

let supported: Promise<boolean> | undefined;

/**
 * Whether overlays work on this machine: Lancer runs as root (mounting needs it), `unshare`
 * is there and a trial mount succeeds. Asked once per process; where it is false, installs
 * are copied into each workspace instead.
 */
export function overlaysSupported(): Promise<boolean> {
  supported ??= probe();
  return supported;
}

async function probe(): Promise<boolean> {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  if (process.env.LANCER_INSTALL_OVERLAY === "off") return false;
  const dir = await mkdtemp(path.join(os.tmpdir(), "lancer-overlay-probe-"));
  try {
    const overlay = overlayIn(dir, path.join(dir, "lower"), path.join(dir, "target"));
    await Promise.all(
      [overlay.lower, overlay.target, overlay.upper, overlay.work].map((d) =>
        mkdir(d, { recursive: true }),
      ),
    );
    const { file, args } = overlayCommand([overlay], "true");
    const result = await runProcess(file, args, { cwd: dir, timeoutMs: 10_000 }).catch(
      () => undefined,
    );
    return result?.exitCode === 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function overlayIn(
  scratch: string,
  lower: string,
  target: string,
  index = 0,
  kind: InstallOverlay["kind"] = "overlay",
): InstallOverlay {
  return {
    kind,
    lower,
    target,
    upper: path.join(scratch, "overlay", String(index), "upper"),
    work: path.join(scratch, "overlay", String(index), "work"),
  };
}

/** A cached folder or file and where a workspace gets it. */
export interface InstallPart {
  from: string;
  to: string;
  /** Mounted read-only rather than as a writable overlay (see InstallOverlay). */
  readOnly?: boolean;
}

/**
 * The overlays for the cached install's folders, their mount points and layers made (the
 * layers in `scratch/overlay/<n>`); files, and folders whose paths a mount cannot name, are
 * left for the caller to copy. Returns both.
 */
export async function planInstallOverlays(
  parts: readonly InstallPart[],
  scratch: string,
): Promise<{ overlays: InstallOverlay[]; copied: InstallPart[] }> {
  const overlays: InstallOverlay[] = [];
  const copied: InstallPart[] = [];
  for (const part of parts) {
    // lstat: a link is copied as a link, never mounted as what it points at.
    const info = await lstat(part.from).catch(() => undefined);
    const kind = part.readOnly ? "read-only" : "overlay";
    const overlay = overlayIn(scratch, part.from, part.to, overlays.length, kind);
    const paths = [overlay.lower, overlay.target, overlay.upper, overlay.work];
    if (!info?.isDirectory() || paths.some((p) => UNSAFE_IN_OPTIONS.test(p))) {
      copied.push(part);
      continue;
    }
    await Promise.all([
      mkdir(part.to, { recursive: true }),
      mkdir(overlay.upper, { recursive: true }),
      mkdir(overlay.work, { recursive: true }),
    ]);
    overlays.push(overlay);
  }
  return { overlays, copied };
}
