import { existsSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { runLancerJson } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const SAMPLE = path.resolve(
  import.meta.dirname,
  "../../../shared/datasets/swe-lancer/swelancer_tasks_lite.sample.csv",
);

/** What python3's own csv and ast modules say the sample holds: an independent reference. */
async function pythonReference(): Promise<{ total: number; manager: number; managerZero: number }> {
  const script = [
    "import ast, csv, json, sys",
    "csv.field_size_limit(10**9)",
    "rows = list(csv.DictReader(open(sys.argv[1], newline='')))",
    "cents = lambda r: round(float(r['price']) * 100)",
    "m = [r for r in rows if r['variant'] == 'swe_manager']",
    "zero = [r for r in m if ast.literal_eval(r['manager_data'])['game']['correct_proposal']['id'] == 0]",
    "print(json.dumps({'total': sum(map(cents, rows)), 'manager': sum(map(cents, m)), 'managerZero': sum(map(cents, zero))}))",
  ].join("\n");
  const { stdout } = await execa("python3", ["-c", script, SAMPLE]);
  return JSON.parse(stdout) as { total: number; manager: number; managerZero: number };
}

interface RunJson {
  earned_cents: number;
  available_cents: number;
  by_kind: Record<
    "ic" | "manager",
    { tasks: number; passed: number; not_gradable: number; earned_cents: number }
  >;
}

describe.skipIf(!existsSync(SAMPLE))(
  "the SWE-Lancer lite sample from ../shared (skipped when absent)",
  () => {
    const dir = tempDir();
    const bank = path.join(dir, "lite");
    const ledger = path.join(dir, "ledger.sqlite");

    it("imports 120 tasks, 80 manager and 40 IC, worth 23,300,000 cents", async () => {
      const result = await runLancerJson(["import", SAMPLE, "--out", bank]);
      expect(result).toMatchObject({
        exitCode: 0,
        tasks: 120,
        by_kind: { ic: 40, manager: 80 },
        total_cents: 23_300_000,
      });
      expect(result.total_cents).toBe((await pythonReference()).total);
    });

    it("pays the oracle every manager dollar and reports the IC tasks as not gradable here", async () => {
      const reference = await pythonReference();
      const run = await runLancerJson<RunJson>([
        "run",
        bank,
        "--agent",
        "oracle",
        "--ledger",
        ledger,
      ]);
      expect(run.by_kind.manager).toMatchObject({
        tasks: 80,
        passed: 80,
        earned_cents: reference.manager,
      });
      expect(run.by_kind.ic).toMatchObject({
        tasks: 40,
        passed: 0,
        not_gradable: 40,
        earned_cents: 0,
      });
      expect(run.earned_cents).toBe(reference.manager);
    });

    it("pays select:0 exactly the manager tasks whose correct proposal is 0", async () => {
      const reference = await pythonReference();
      const run = await runLancerJson<RunJson>([
        "run",
        bank,
        "--agent",
        "select:0",
        "--ledger",
        ledger,
      ]);
      expect(run.earned_cents).toBe(reference.managerZero);
      expect(run.earned_cents).toBeGreaterThan(0);
      expect(run.by_kind.ic.not_gradable).toBe(40);
    });
  },
);
