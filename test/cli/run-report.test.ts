import path from "node:path";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyManagerTask, writeTinyTask } from "../helpers/tiny-bank.ts";

const dir = tempDir();
const bank = path.join(dir, "bank");
writeTinyTask(bank, "tiny-add");
writeTinyManagerTask(bank, "tiny-manager", 2);
const env = { LANCER_CACHE_DIR: path.join(dir, "cache") };
const ledger = path.join(dir, "ledger.sqlite");

interface RunJson {
  earned_cents: number;
  available_cents: number;
  attempted: number;
  resumed: number;
  by_kind: Record<
    "ic" | "manager",
    { tasks: number; passed: number; failed: number; errors: number; earned_cents: number }
  >;
  results: Array<{ task_id: string; outcome: string; reason: string; payout_cents: number }>;
}

describe("lancer run and report", () => {
  it("pays the oracle every task", async () => {
    const run = await runLancerJson<RunJson>(
      ["run", bank, "--agent", "oracle", "--ledger", ledger, "--jobs", "2"],
      { env },
    );
    expect(run).toMatchObject({
      exitCode: 0,
      earned_cents: 150_000,
      available_cents: 150_000,
      attempted: 2,
      resumed: 0,
    });
    expect(run.results.map((r) => [r.task_id, r.outcome, r.payout_cents])).toEqual([
      ["tiny-add", "pass", 50_000],
      ["tiny-manager", "pass", 100_000],
    ]);
  });

  it("pays noop nothing, with verdict fail rather than error", async () => {
    const run = await runLancerJson<RunJson>(
      ["run", bank, "--agent", "noop", "--ledger", ledger, "--runs", "1"],
      { env },
    );
    expect(run.earned_cents).toBe(0);
    expect(run.results.map((r) => [r.outcome, r.reason])).toEqual([
      ["fail", "tests-failed"],
      ["fail", "no-selection"],
    ]);
  });

  it("pays select:N exactly for the manager tasks whose answer is N", async () => {
    const two = await runLancerJson<RunJson>(
      ["run", bank, "--agent", "select:2", "--ledger", ledger, "--only", "manager"],
      { env },
    );
    expect(two.earned_cents).toBe(100_000);
    const zero = await runLancerJson<RunJson>(
      ["run", bank, "--agent", "select:0", "--ledger", ledger, "--only", "manager"],
      { env },
    );
    expect(zero.earned_cents).toBe(0);
    expect(zero.by_kind.manager).toMatchObject({ tasks: 1, failed: 1 });
  });

  it("resumes: a second run of the same run id attempts nothing and pays nothing twice", async () => {
    const again = await runLancerJson<RunJson>(
      ["run", bank, "--agent", "oracle", "--ledger", ledger],
      { env },
    );
    expect(again).toMatchObject({ attempted: 0, resumed: 2, earned_cents: 150_000 });
    const fresh = await runLancerJson<RunJson>(
      [
        "run",
        bank,
        "--agent",
        "oracle",
        "--ledger",
        ledger,
        "--run-id",
        "second",
        "--tasks",
        "tiny-manager",
      ],
      { env },
    );
    expect(fresh).toMatchObject({ attempted: 1, earned_cents: 100_000 });
  });

  it("reports a run as JSON, CSV and Markdown, with a leaderboard of every run", async () => {
    const json = await runLancerJson<{
      agent: string;
      earned_cents: number;
      groups: Array<{ agent: string; earned_cents: number }>;
    }>(["report", "--ledger", ledger, "--run-id", "default", "--agent", "oracle"]);
    expect(json).toMatchObject({ agent: "oracle", earned_cents: 150_000 });
    expect(json.groups.map((g) => g.agent).sort()).toEqual([
      "noop",
      "oracle",
      "oracle",
      "select:0",
      "select:2",
    ]);
    const csv = await runLancer([
      "report",
      "--ledger",
      ledger,
      "--run-id",
      "default",
      "--agent",
      "noop",
      "--format",
      "csv",
    ]);
    // Then the statistics: earned 0.0% (0.0–0.0), 2 attempted, pass@1 0.0% (0.0–0.0).
    expect(csv.stdout.split("\n")[1]).toBe(
      "all,2,0,2,0,0,0,150000,150000,0.0,0.0,0.0,2,0.0,0.0,0.0",
    );
    const md = await runLancer([
      "report",
      "--ledger",
      ledger,
      "--run-id",
      "default",
      "--agent",
      "oracle",
    ]);
    expect(md.stdout).toContain("Earned **$1,500** of $1,500 (100.0%)");
    expect(md.stdout).toContain("### All runs in this ledger");
  });

  it("explains an unknown agent, a missing ledger and an unknown run", async () => {
    const agent = await runLancer(["run", bank, "--agent", "genius", "--ledger", ledger], { env });
    expect(agent.exitCode).toBe(1);
    expect(agent.stderr).toContain(
      'unknown agent "genius": expected one of oracle, noop, select:N',
    );
    const missing = await runLancer(["report", "--ledger", path.join(dir, "none.sqlite")]);
    expect(missing.stderr).toContain("no ledger here");
    const run = await runLancer(["report", "--ledger", ledger, "--run-id", "nope"]);
    expect(run.stderr).toContain("the ledger has: ");
  });

  it("replays a predictions file and reports its bad lines", async () => {
    const gold = (await import("node:fs")).readFileSync(
      path.join(bank, "tiny-add", "gold.patch"),
      "utf8",
    );
    const predictions = path.join(dir, "predictions.jsonl");
    writeFileSync(
      predictions,
      [
        JSON.stringify({ instance_id: "tiny-add", model_patch: gold }),
        JSON.stringify({ task_id: "tiny-manager", selected_proposal_id: 1 }),
      ].join("\n"),
    );
    const run = await runLancerJson<RunJson>(
      ["run", bank, "--agent", `predictions:${predictions}`, "--ledger", ledger, "--runs", "1"],
      { env },
    );
    expect(run.results.map((r) => [r.task_id, r.outcome])).toEqual([
      ["tiny-add", "pass"],
      ["tiny-manager", "fail"],
    ]);
    writeFileSync(predictions, '{"task_id": "tiny-add", "patch": 5}\nnot json\n');
    const bad = await runLancer(
      ["run", bank, "--agent", `predictions:${predictions}`, "--ledger", ledger],
      { env },
    );
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain(`${predictions}:1: patch:`);
    expect(bad.stderr).toContain(`${predictions}:2: not a JSON object`);
  });

  it("runs a command agent in a fresh checkout and grades the diff it leaves", async () => {
    const command = `command:sed -i 's/- \\$2/+ $2/' lib/add.sh && test -s "$LANCER_TASK_FILE" && grep -q 'add() subtracts' "$LANCER_TASK_FILE"; [ -n "$LANCER_ANSWER_FILE" ] && echo '{"selected_proposal_id": 2}' > "$LANCER_ANSWER_FILE"; true`;
    const run = await runLancerJson<RunJson>(
      ["run", bank, "--agent", command, "--ledger", ledger, "--runs", "1"],
      { env },
    );
    expect(run.results.map((r) => [r.task_id, r.outcome])).toEqual([
      ["tiny-add", "pass"],
      ["tiny-manager", "pass"],
    ]);
  });
});
