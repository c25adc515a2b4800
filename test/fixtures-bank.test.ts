import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadBank } from "../src/core/task/bank.ts";
import { runLancer, runLancerJson } from "./helpers/run-lancer.ts";
import { tempDir } from "./helpers/temp-dir.ts";

const BANK = path.resolve(import.meta.dirname, "../fixtures/tasks");
const dir = tempDir();
const env = { LANCER_CACHE_DIR: path.join(dir, "cache") };

interface RunJson {
  earned_cents: number;
  available_cents: number;
  results: Array<{ task_id: string; outcome: string; reason: string }>;
}

describe("the fixture bank", () => {
  it("has what the issue asks for: 12+ IC tasks over 3+ test formats, 4+ manager tasks, $250 to $8,000", async () => {
    const bank = await loadBank(BANK);
    const ic = bank.filter((t) => t.task.kind === "ic");
    const manager = bank.filter((t) => t.task.kind === "manager");
    expect(ic.length).toBeGreaterThanOrEqual(12);
    expect(manager.length).toBeGreaterThanOrEqual(4);
    const commands = ic.map((t) => t.task.hidden.test!.command);
    expect(commands.some((c) => c.includes("node --test"))).toBe(true);
    expect(commands.some((c) => c.includes("pytest"))).toBe(true);
    expect(new Set(ic.map((t) => t.task.hidden.test!.format)).size).toBeGreaterThanOrEqual(3);
    const prices = bank.map((t) => t.task.price_cents);
    expect(Math.min(...prices)).toBe(25_000);
    expect(Math.max(...prices)).toBe(800_000);
    expect(ic.some((t) => t.task.hidden.test!.pass_to_pass.length > 0)).toBe(true);
    const answers = manager.map((t) => t.task.hidden.correct_proposal_id);
    expect(answers).toContain(0);
    expect(answers.filter((a) => a !== 0).length).toBeGreaterThanOrEqual(2);
  });

  it("validates: every gold fix passes 3 of 3 runs and every base fails 3 of 3", async () => {
    const result = await runLancerJson<{
      ok: boolean;
      tasks: Array<{ task_id: string; status: string; problems: string[] }>;
    }>(["validate", BANK, "--jobs", "2"], { env });
    const notOk = result.tasks.filter((t) => t.status !== "ok" && t.status !== "skipped");
    expect(notOk).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.exitCode).toBe(0);
    // 13 tasks × 2 sides × 3 runs of real test processes: minutes on a busy 2-core machine.
  }, 180_000);

  it("pays the oracle 100% of the bank", async () => {
    const run = await runLancerJson<RunJson>(
      [
        "run",
        BANK,
        "--agent",
        "oracle",
        "--jobs",
        "2",
        "--ledger",
        path.join(dir, "oracle.sqlite"),
      ],
      { env },
    );
    expect(run.results.filter((r) => r.outcome !== "pass")).toEqual([]);
    expect(run.earned_cents).toBe(run.available_cents);
  });

  it("pays noop $0, every task failing with verdict fail and none with error", async () => {
    const run = await runLancerJson<RunJson>(
      [
        "run",
        BANK,
        "--agent",
        "noop",
        "--jobs",
        "2",
        "--runs",
        "1",
        "--ledger",
        path.join(dir, "noop.sqlite"),
      ],
      { env },
    );
    expect(run.earned_cents).toBe(0);
    expect(run.results.filter((r) => r.outcome !== "fail")).toEqual([]);
    expect(run.results.some((r) => r.reason === "timeout")).toBe(true);
  });

  it("runs graded tests with Lancer's own Node first on PATH, whatever node the shell has", async () => {
    const systemPath = (process.env.PATH ?? "")
      .split(path.delimiter)
      .filter((p) => !p.includes("node_modules"))
      .join(path.delimiter);
    const result = await runLancerJson<{ ok: boolean }>(
      ["validate", BANK, "--tasks", "ts-router-decode-params", "--runs", "1"],
      {
        env: { ...env, PATH: systemPath },
      },
    );
    expect(result.ok).toBe(true);
  });

  it("lists every task with its price", async () => {
    const result = await runLancer(["tasks", BANK]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("$8,000");
    expect(result.stdout).toContain("$250");
  });
});
