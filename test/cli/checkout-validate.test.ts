import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gitOutput } from "../../src/core/git/git.ts";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyManagerTask, writeTinyTask } from "../helpers/tiny-bank.ts";

const dir = tempDir();
const bank = path.join(dir, "bank");
writeTinyTask(bank, "tiny-add");
writeTinyManagerTask(bank, "tiny-manager");
const env = { LANCER_CACHE_DIR: path.join(dir, "cache") };

describe("lancer checkout", () => {
  it("creates the agent's view: one fresh commit, no history, no hidden files", async () => {
    const ws = path.join(dir, "ws");
    const result = await runLancerJson<{ base_commit: string }>(
      ["checkout", bank, "tiny-add", ws],
      { env },
    );
    expect(result.exitCode).toBe(0);
    expect(await gitOutput(["rev-list", "--all", "--count"], { cwd: ws })).toBe("1");
    expect(await gitOutput(["rev-parse", "HEAD"], { cwd: ws })).toBe(result.base_commit);
    expect(await gitOutput(["for-each-ref", "--format=%(refname)"], { cwd: ws })).toBe(
      "refs/heads/main",
    );
    expect(await gitOutput(["status", "--porcelain"], { cwd: ws })).toBe("");
    expect(readFileSync(path.join(ws, "test", "run.sh"), "utf8")).not.toContain("add adds");
    expect(existsSync(path.join(ws, "gold.patch"))).toBe(false);
    expect(existsSync(path.join(ws, "task.yaml"))).toBe(false);
  });

  it("applies the reference fix with --gold, uncommitted", async () => {
    const ws = path.join(dir, "ws-gold");
    expect((await runLancer(["checkout", bank, "tiny-add", ws, "--gold"], { env })).exitCode).toBe(
      0,
    );
    expect(await gitOutput(["diff", "--name-only"], { cwd: ws })).toBe("lib/add.sh");
  });

  it("refuses a non-empty folder and an unknown task", async () => {
    const ws = path.join(dir, "ws");
    expect((await runLancer(["checkout", bank, "tiny-add", ws], { env })).stderr).toContain(
      "exists and is not empty",
    );
    expect(
      (await runLancer(["checkout", bank, "nope", path.join(dir, "n")], { env })).stderr,
    ).toContain('task "nope" is not in the bank');
  });
});

describe("lancer validate", () => {
  it("passes a bank whose gold fixes pass every run and whose bases fail every run", async () => {
    const result = await runLancerJson<{ ok: boolean; counts: Record<string, number> }>(
      ["validate", bank, "--runs", "2"],
      { env },
    );
    expect(result).toMatchObject({
      exitCode: 0,
      ok: true,
      counts: { ok: 1, broken: 0, flaky: 0, skipped: 1 },
    });
  });

  it("fails, naming the task and why, when a gold patch does not fix the bug", async () => {
    const broken = path.join(dir, "broken-bank");
    const taskDir = writeTinyTask(broken, "tiny-broken");
    writeFileSync(
      path.join(taskDir, "gold.patch"),
      readFileSync(path.join(taskDir, "gold.patch"), "utf8").replace("$1 + $2", "$1 * $2"),
    );
    const result = await runLancer(["validate", broken, "--runs", "1"], { env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/broken\s+tiny-broken gold 0\/1 pass, base 1\/1 fail/);
    expect(result.stdout).toContain(
      "gold patch: pass in 0 of 1 runs; run 1: fail (tests-failed: failed: add adds)",
    );
  });
});

describe("lancer --help", () => {
  it("documents every command", async () => {
    const top = await runLancer(["--help"]);
    for (const command of ["import", "tasks", "checkout", "run", "grade", "report", "validate"]) {
      expect(top.stdout).toContain(command);
      const help = await runLancer([command, "--help"]);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain(`Usage: lancer ${command}`);
    }
  });

  it("reports a bad option value with what was expected", async () => {
    const result = await runLancer(["run", bank, "--agent", "noop", "--jobs", "zero"]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("expected a whole number ≥ 1");
  });
});
