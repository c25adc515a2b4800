import { createHash } from "node:crypto";
import { git } from "../git/git.ts";
import type { EnvironmentSpec } from "../task/schema.ts";
import type { SourceRepo } from "../workspace/source-repo.ts";
import type { Isolation } from "./isolation.ts";

/** Lockfiles and manifests that decide what an install brings, when a task names none. */
export const DEFAULT_KEY_FILES = [
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "package.json",
  "requirements.txt",
  "requirements-dev.txt",
  "pyproject.toml",
  "setup.py",
  "setup.cfg",
  "poetry.lock",
  "Pipfile.lock",
];

/** Bumped when what an environment holds changes shape, so old ones are not reused. */
const LAYOUT_VERSION = 1;

export interface EnvironmentKey {
  key: string;
  /** The key files found in the base, with their blob ids. */
  keyFiles: Record<string, string>;
}

/** The files that key an environment: the task's list, or the default lockfiles. */
export function keyFileNames(spec: EnvironmentSpec): readonly string[] {
  return spec.key_files ?? DEFAULT_KEY_FILES;
}

const known = new Map<string, Promise<EnvironmentKey>>();

/**
 * The cache key of an environment: the base repository and commit, the install commands and
 * variables, the blob id of each key file present in the base, and the image (by id) the
 * install runs in. Two tasks with the same key share one environment. Worked out once per
 * process (a commit's files never change).
 */
export function environmentKey(
  source: SourceRepo,
  spec: EnvironmentSpec,
  isolation: Isolation,
): Promise<EnvironmentKey> {
  const memo = JSON.stringify([source.repo, source.commit, spec, isolation]);
  let pending = known.get(memo);
  if (!pending) {
    pending = computeKey(source, spec, isolation);
    pending.catch(() => known.delete(memo));
    known.set(memo, pending);
  }
  return pending;
}

async function computeKey(
  source: SourceRepo,
  spec: EnvironmentSpec,
  isolation: Isolation,
): Promise<EnvironmentKey> {
  const names = keyFileNames(spec);
  const { stdout } = await git(["ls-tree", "-z", source.commit, "--", ...names], {
    cwd: source.repo,
  });
  const keyFiles: Record<string, string> = {};
  for (const entry of stdout.split("\0").filter(Boolean)) {
    const [meta, name] = entry.split("\t") as [string, string];
    keyFiles[name] = meta.split(" ")[2]!;
  }
  const material = JSON.stringify({
    v: LAYOUT_VERSION,
    commit: source.commit,
    install: spec.install,
    env: Object.entries(spec.env).sort(),
    keyFiles: Object.entries(keyFiles).sort(),
    // The host's tools are not keyed (as before); an image is, by id, so a rebuilt tag is new.
    ...(isolation.kind === "container" ? { image: [isolation.image, isolation.imageId] } : {}),
  });
  return { key: createHash("sha256").update(material).digest("hex").slice(0, 32), keyFiles };
}
