import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { runLancer, runLancerJson } from "./helpers/run-lancer.ts";
import { tempDir } from "./helpers/temp-dir.ts";

/**
 * Real upstream bug fixes (fixtures/real/: bytes 3.1.1 → 3.1.2 with mocha, ts-dedent 2.0.0 →
 * 2.1.0 with a TypeScript build, and two in the pure-Python gyp-next, 0.16.1 → 0.17.0 and
 * 0.20.0 → 0.20.1, with pytest in a virtualenv, one read from its -rA output and one from JUnit
 * XML), as SWE-bench-style JSONL with their install_cmd: each base repository is built from
 * the published npm package, then imported, validated N of N, paid in full to the oracle and
 * nothing to a no-op agent. The npm installs come from the npm registry; the Python ones are
 * offline (a venv over the machine's python3 and pytest, with the project on its path).
 */
const REAL = path.resolve(import.meta.dirname, "../fixtures/real");
const root = tempDir("lancer-real-");
const repos = path.join(root, "repos");
const bank = path.join(root, "bank");
const env = { LANCER_CACHE_DIR: path.join(root, "cache") };
const instances = readdirSync(REAL).filter((name) => !name.includes("."));
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, "utf8")) as T;

beforeAll(async () => {
  mkdirSync(repos);
  const rows: string[] = [];
  for (const instance of instances) {
    const row = JSON.parse(readFileSync(path.join(REAL, instance, "row.json"), "utf8")) as {
      repo: string;
      base_commit: string;
    };
    // Instances of one repository (gyp-next) share its clone, which holds each base commit
    // on a branch of its own, as an upstream history would.
    const made = path.join(root, "made", instance);
    const result = await execa("bash", [path.join(REAL, instance, "make-repo.sh"), made]);
    expect(result.stdout.trim().split("\n").at(-1)).toBe(row.base_commit);
    const clone = path.join(repos, row.repo.replace("/", "__"));
    if (existsSync(clone))
      await execa("git", ["-C", clone, "fetch", "-q", made, `HEAD:${instance}`]);
    else renameSync(made, clone);
    rows.push(JSON.stringify(row));
  }
  writeFileSync(path.join(root, "rows.jsonl"), `${rows.join("\n")}\n`);
}, 180_000);

describe("real repositories with dependencies", () => {
  it("imports the rows with their install and build steps", async () => {
    const imported = await runLancerJson<{ tasks: number; written: boolean }>(
      ["import", path.join(root, "rows.jsonl"), "--out", bank, "--repo-root", repos],
      { env },
    );
    expect(imported).toMatchObject({ exitCode: 0, written: true, tasks: instances.length });
    const yaml = readFileSync(
      path.join(bank, "tamino-martinius__node-ts-dedent-14", "task.yaml"),
      "utf8",
    );
    expect(yaml).toContain("npm ci");
    expect(yaml).toContain("npx --no-install tsc -p .");
    const junit = readFileSync(path.join(bank, "nodejs__gyp-next-295", "task.yaml"), "utf8");
    expect(junit).toContain("python3 -m venv --without-pip --system-site-packages .venv");
    expect(junit).toMatch(/format: junit\n\s+results: junit\.xml\n/);
    const rA = readFileSync(path.join(bank, "nodejs__gyp-next-245", "task.yaml"), "utf8");
    expect(rA).toMatch(/command: \.venv\/bin\/python -m pytest -rA .*\n\s+format: pytest\n/);
  });

  it("validates: every gold fix passes 3 of 3 and every base fails 3 of 3", async () => {
    const result = await runLancerJson<{
      ok: boolean;
      tasks: Array<{ task_id: string; status: string; gold_passed: number; base_failed: number }>;
    }>(["validate", bank, "--runs", "3"], { env });
    expect(result.tasks.map((t) => [t.task_id, t.status, t.gold_passed, t.base_failed])).toEqual(
      instances.sort().map((id) => [id, "ok", 3, 3]),
    );
    expect(result.exitCode).toBe(0);
    // One install per task, however many gradings; a Python one is the venv (with the project
    // on its path), copied into each workspace.
    const envs = path.join(root, "cache", "envs");
    const outputs = readdirSync(envs).map(
      (key) => readJson<{ outputs: string[] }>(path.join(envs, key, "env.json")).outputs,
    );
    expect(outputs).toHaveLength(instances.length);
    expect(outputs.filter((paths) => paths.join() === ".venv")).toHaveLength(2);
  }, 180_000);

  it("pays the oracle every cent and a no-op agent nothing", async () => {
    const ledger = path.join(root, "ledger.sqlite");
    const oracle = await runLancerJson<{ earned_cents: number; available_cents: number }>(
      ["run", bank, "--agent", "oracle", "--ledger", ledger, "--run-id", "oracle"],
      { env },
    );
    expect(oracle.earned_cents).toBe(oracle.available_cents);
    expect(oracle.earned_cents).toBe(instances.length * 50_000);
    const noop = await runLancer(
      ["run", bank, "--agent", "noop", "--ledger", ledger, "--run-id", "noop", "--json"],
      { env },
    );
    expect((JSON.parse(noop.stdout) as { earned_cents: number }).earned_cents).toBe(0);
  }, 180_000);
});
