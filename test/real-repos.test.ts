import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { runLancer, runLancerJson } from "./helpers/run-lancer.ts";
import { tempDir } from "./helpers/temp-dir.ts";

/**
 * Real upstream bug fixes in npm projects (fixtures/real/: bytes 3.1.1 → 3.1.2 with mocha,
 * ts-dedent 2.0.0 → 2.1.0 with a TypeScript build), as SWE-bench-style JSONL with their
 * install_cmd: each base repository is built from the published package, then imported,
 * validated N of N, paid in full to the oracle and nothing to a no-op agent. Installs come
 * from the npm registry.
 */
const REAL = path.resolve(import.meta.dirname, "../fixtures/real");
const root = tempDir("lancer-real-");
const repos = path.join(root, "repos");
const bank = path.join(root, "bank");
const env = { LANCER_CACHE_DIR: path.join(root, "cache") };
const instances = readdirSync(REAL).filter((name) => !name.includes("."));

beforeAll(async () => {
  mkdirSync(repos);
  const rows: string[] = [];
  for (const instance of instances) {
    const row = JSON.parse(readFileSync(path.join(REAL, instance, "row.json"), "utf8")) as {
      repo: string;
      base_commit: string;
    };
    const made = await execa("bash", [
      path.join(REAL, instance, "make-repo.sh"),
      path.join(repos, row.repo.replace("/", "__")),
    ]);
    expect(made.stdout.trim().split("\n").at(-1)).toBe(row.base_commit);
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
    // One install per task, however many gradings.
    expect(readdirSync(path.join(root, "cache", "envs"))).toHaveLength(instances.length);
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
