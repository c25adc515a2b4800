import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyManagerTask, writeTinyTask } from "../helpers/tiny-bank.ts";

const dir = tempDir();
const bank = path.join(dir, "bank");
const taskDir = writeTinyTask(bank, "tiny-add");
writeTinyManagerTask(bank, "tiny-manager", 2);
const env = { LANCER_CACHE_DIR: path.join(dir, "cache") };
const gold = path.join(taskDir, "gold.patch");
// A wrong fix: add() multiplies, so "add adds" still fails.
const wrong = path.join(dir, "wrong.patch");
writeFileSync(
  wrong,
  readFileSync(gold, "utf8").replace("+  echo $(( $1 + $2 ))", "+  echo $(( $1 * $2 ))"),
);

describe("lancer grade", () => {
  it("passes the gold patch with exit code 0 and the price as payout", async () => {
    const result = await runLancerJson<{ verdict: string; payout_cents: number; runs: unknown[] }>(
      ["grade", bank, "tiny-add", "--patch", gold],
      { env },
    );
    expect(result).toMatchObject({ exitCode: 0, verdict: "pass", payout_cents: 50_000 });
    expect(result.runs).toHaveLength(1);
  });

  it("fails a wrong fix with exit code 1, running every run", async () => {
    const result = await runLancer(["grade", bank, "tiny-add", "--patch", wrong, "--runs", "2"], {
      env,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("fail (tests-failed): failed: add adds");
    expect(result.stdout).toMatch(/run 2: fail/);
    expect(result.stdout).toContain("payout: $0 of $500");
  });

  it("reads the patch from stdin and keeps the workspace when asked", async () => {
    const bin = path.resolve(import.meta.dirname, "../../bin/lancer.js");
    const result = await execa(
      process.execPath,
      [bin, "grade", bank, "tiny-add", "--patch", "-", "--keep", "--json"],
      {
        env: { ...env, CI: "true" },
        input: readFileSync(gold),
      },
    );
    const grade = JSON.parse(result.stdout) as { verdict: string; workspace: string };
    expect(grade.verdict).toBe("pass");
    expect(readFileSync(path.join(grade.workspace, "lib", "add.sh"), "utf8")).toContain("$1 + $2");
    expect(existsSync(path.join(grade.workspace, "test", "run.sh"))).toBe(true);
  });

  it("grades a candidate folder by its diff from the base", async () => {
    const folder = path.join(dir, "candidate");
    expect(
      (await runLancer(["checkout", bank, "tiny-add", folder, "--gold"], { env })).exitCode,
    ).toBe(0);
    const pass = await runLancerJson<{ verdict: string }>(
      ["grade", bank, "tiny-add", "--dir", folder, "--runs", "1"],
      { env },
    );
    expect(pass).toMatchObject({ exitCode: 0, verdict: "pass" });
    writeFileSync(path.join(folder, "test", "run.sh"), "echo 'ok 1 - add adds'\n");
    const tamper = await runLancerJson<{ verdict: string; reason: string }>(
      ["grade", bank, "tiny-add", "--dir", folder],
      { env },
    );
    expect(tamper).toMatchObject({ exitCode: 1, verdict: "fail", reason: "tamper" });
    const missing = await runLancer(
      ["grade", bank, "tiny-add", "--dir", path.join(dir, "nowhere")],
      { env },
    );
    expect(missing.stderr).toContain("--dir:");
  });

  it("grades a manager task's selection", async () => {
    expect((await runLancer(["grade", bank, "tiny-manager", "--select", "2"])).exitCode).toBe(0);
    const wrong = await runLancerJson<{ verdict: string; reason: string }>([
      "grade",
      bank,
      "tiny-manager",
      "--select",
      "1",
    ]);
    expect(wrong).toMatchObject({ exitCode: 1, verdict: "fail", reason: "wrong-proposal" });
  });

  it("says which input a task kind needs", async () => {
    expect((await runLancer(["grade", bank, "tiny-add"])).stderr).toContain(
      "tiny-add is an IC task: pass --patch <file> or --dir <folder>",
    );
    expect((await runLancer(["grade", bank, "tiny-manager"])).stderr).toContain(
      "pass --select <proposal id>",
    );
    expect(
      (await runLancer(["grade", bank, "tiny-add", "--patch", path.join(dir, "none.patch")]))
        .stderr,
    ).toMatch(/--patch: .*none\.patch does not exist/);
  });
});
