import picomatch from "picomatch";
import { git } from "../git/git.ts";
import type { HiddenSnapshot } from "./hidden-files.ts";

/**
 * Files a test runner reads at start-up (configuration, plugins, start-up hooks): code or
 * options in them run before any test, so the candidate's version of them never runs.
 */
export const RUNNER_CONFIG_GLOBS = [
  // pytest and Python start-up
  "**/conftest.py",
  "pytest.ini",
  ".pytest.ini",
  "pyproject.toml",
  "setup.cfg",
  "tox.ini",
  "**/sitecustomize.py",
  "**/usercustomize.py",
  // npm and JavaScript runners
  ".npmrc",
  "**/jest.config.*",
  "**/vitest.config.*",
  "**/vitest.workspace.*",
  "**/.mocharc*",
  "**/mocha.opts",
  "**/ava.config.*",
  "**/babel.config.*",
  "**/.babelrc*",
  "**/.nycrc*",
];

/** Keys of package.json that configure test runners. */
const PACKAGE_RUNNER_KEYS = ["jest", "mocha", "ava", "nyc", "c8", "vitest"];

/** A base tree's runner configuration files: path, mode and content. */
type BaseConfig = Map<string, { mode: number; content: Buffer }>;
const baseConfigs = new Map<string, Promise<BaseConfig>>();

function baseConfig(gitDir: string, commit: string): Promise<BaseConfig> {
  const id = `${gitDir}\0${commit}`;
  let pending = baseConfigs.get(id);
  if (!pending) {
    pending = readBaseConfig(gitDir, commit);
    pending.catch(() => baseConfigs.delete(id));
    baseConfigs.set(id, pending);
  }
  return pending;
}

async function readBaseConfig(gitDir: string, commit: string): Promise<BaseConfig> {
  const isConfig = picomatch(RUNNER_CONFIG_GLOBS, { dot: true });
  const { stdout } = await git(["ls-tree", "-r", "-z", commit], { cwd: gitDir });
  const config: BaseConfig = new Map();
  for (const entry of stdout.split("\0")) {
    const match = /^(\d{6}) blob [0-9a-f]+\t(.+)$/s.exec(entry);
    if (!match || !isConfig(match[2]!) || match[1] === "120000") continue;
    const { stdout: content } = await git(["cat-file", "blob", `${commit}:${match[2]}`], {
      cwd: gitDir,
    });
    config.set(match[2]!, {
      mode: match[1] === "100755" ? 0o755 : 0o644,
      content: Buffer.from(content),
    });
  }
  return config;
}

/** The runner configuration a grading writes before every run, and what of the candidate's it undoes. */
export interface RunnerConfigReset {
  /** What to write at each path before every run (null: remove it). */
  snapshot: HiddenSnapshot;
  /** The paths, or package.json keys, the candidate changed and that the base's replace. */
  reset: string[];
}

/**
 * The base's runner configuration over every such file the candidate changed or added (never
 * over a hidden file: the task's own wins), and, in a changed package.json, the base's
 * scripts that the test command runs (with their pre and post scripts) and runner keys.
 */
export async function runnerConfigReset(options: {
  gitDir: string;
  commit: string;
  changed: readonly string[];
  hiddenPaths: readonly string[];
  command: string;
  /** The candidate's package.json, when it changed one. */
  readPackageJson: () => Promise<string | undefined>;
}): Promise<RunnerConfigReset> {
  const isConfig = picomatch(RUNNER_CONFIG_GLOBS, { dot: true });
  const hidden = new Set(options.hiddenPaths);
  const touched = options.changed.filter(
    (file) => !hidden.has(file) && (isConfig(file) || file === "package.json"),
  );
  // The usual candidate changes no runner configuration: then the base is not even read.
  if (touched.length === 0) return { snapshot: new Map(), reset: [] };
  const base = await baseConfig(options.gitDir, options.commit);
  const snapshot = new Map<string, { content: Buffer; mode: number } | null>();
  const reset: string[] = [];
  for (const file of options.changed) {
    if (hidden.has(file) || !isConfig(file)) continue;
    snapshot.set(file, base.get(file) ?? null);
    reset.push(file);
  }
  if (options.changed.includes("package.json") && !hidden.has("package.json")) {
    const merged = await packageJsonReset(options, await options.readPackageJson());
    if (merged) {
      snapshot.set("package.json", { content: Buffer.from(merged.text), mode: 0o644 });
      reset.push(...merged.keys.map((k) => `package.json ${k}`));
    }
  }
  return { snapshot, reset: reset.sort() };
}

/** Scripts an npm, yarn or pnpm command line runs: `npm test` runs pretest, test, posttest. */
export function scriptsRunBy(command: string): string[] {
  const names = new Set<string>();
  const pattern = /\b(?:npm|yarn|pnpm)\s+(?:run(?:-script)?\s+)?([A-Za-z0-9:_.-]+)/g;
  for (const match of command.matchAll(pattern)) {
    const name = match[1]!;
    if (["install", "ci", "exec", "x", "i", "add"].includes(name)) continue;
    names.add(`pre${name}`).add(name).add(`post${name}`);
  }
  return [...names];
}

async function packageJsonReset(
  options: { gitDir: string; commit: string; command: string },
  candidateText: string | undefined,
): Promise<{ text: string; keys: string[] } | undefined> {
  if (candidateText === undefined) return undefined;
  const baseText = await git(["cat-file", "blob", `${options.commit}:package.json`], {
    cwd: options.gitDir,
    allowFailure: true,
  });
  let candidate: Record<string, unknown>;
  let basePackage: Record<string, unknown>;
  try {
    candidate = JSON.parse(candidateText) as Record<string, unknown>;
    basePackage =
      baseText.exitCode === 0 ? (JSON.parse(baseText.stdout) as Record<string, unknown>) : {};
  } catch {
    return undefined; // npm itself refuses a package.json that is not JSON
  }
  const keys: string[] = [];
  const scripts = { ...(candidate.scripts as Record<string, unknown> | undefined) };
  const baseScripts = (basePackage.scripts ?? {}) as Record<string, unknown>;
  for (const name of scriptsRunBy(options.command)) {
    if (JSON.stringify(scripts[name]) === JSON.stringify(baseScripts[name])) continue;
    if (baseScripts[name] === undefined) delete scripts[name];
    else scripts[name] = baseScripts[name];
    keys.push(`scripts.${name}`);
  }
  const merged: Record<string, unknown> = { ...candidate, scripts };
  if (candidate.scripts === undefined && Object.keys(scripts).length === 0) delete merged.scripts;
  for (const key of PACKAGE_RUNNER_KEYS) {
    if (JSON.stringify(candidate[key]) === JSON.stringify(basePackage[key])) continue;
    if (basePackage[key] === undefined) delete merged[key];
    else merged[key] = basePackage[key];
    keys.push(key);
  }
  return keys.length === 0 ? undefined : { text: `${JSON.stringify(merged, null, 2)}\n`, keys };
}
