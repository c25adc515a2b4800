import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { gitOutput } from "../../../src/core/git/git.ts";
import { loadBank } from "../../../src/core/task/bank.ts";
import { localRepo } from "../../helpers/local-git.ts";
import { runLancer, runLancerJson } from "../../helpers/run-lancer.ts";
import { liteCsv, newCsv } from "../../helpers/swe-lancer-rows.ts";
import { readSweLancerCsv } from "../../../src/core/import/swe-lancer-csv.ts";
import { attachIssueFolders } from "../../../src/core/swe-lancer/import-issues.ts";
import {
  BUG_PATCH,
  HAVE_SAMPLE,
  HELLO_SOURCE,
  LITE_SAMPLE,
  sampleIcRows,
  writeIssue,
  type IssueShape,
} from "../../helpers/swe-lancer-checkout.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

interface ImportJson {
  written: boolean;
  tasks: number;
  swe_lancer_ic: {
    gradable: { tasks: number; cents: number };
    not_gradable: { tasks: number; cents: number; reasons: Array<{ id: string; reason: string }> };
  };
}

const COMMIT = "0123456789abcdef0123456789abcdef01234567";

/** Every shape of folder, in turn, over the sample's IC rows (most of them complete). */
function shapeOf(index: number): IssueShape {
  return (["missing", "no-flow", "bad-commit", "intro-patch"] as const)[index] ?? "complete";
}

describe.skipIf(!HAVE_SAMPLE)(
  `SWE-Lancer IC tasks from a benchmark checkout (the real rows of ${path.basename(LITE_SAMPLE)}; skipped when ../shared is absent)`,
  () => {
    it("gives every IC row a gradable task or a named reason, with counts and dollars", async () => {
      const rows = sampleIcRows();
      const root = tempDir();
      const checkout = path.join(root, "SWELancer-Benchmark");
      rows.forEach((row, i) => writeIssue(checkout, row.id, shapeOf(i), COMMIT));
      const bank = path.join(root, "bank");
      const json = await runLancerJson<ImportJson>([
        "import",
        LITE_SAMPLE,
        "--out",
        bank,
        "--benchmark-dir",
        checkout,
      ]);
      expect(json.exitCode, json.stderr).toBe(0);
      const ic = json.swe_lancer_ic;
      const gradable = rows.filter((_, i) => ["complete", "intro-patch"].includes(shapeOf(i)));
      const sum = (list: typeof rows) => list.reduce((s, r) => s + r.cents, 0);
      expect(ic.gradable).toEqual({ tasks: gradable.length, cents: sum(gradable) });
      expect(ic.not_gradable.tasks).toBe(3);
      expect(ic.gradable.cents + ic.not_gradable.cents).toBe(sum(rows));
      expect(ic.not_gradable.reasons).toEqual([
        {
          id: rows[0]!.id,
          reason: `issues/${rows[0]!.id}/ is missing from the benchmark checkout`,
        },
        {
          id: rows[1]!.id,
          reason: `issues/${rows[1]!.id}/ is incomplete: flow.mitm missing or empty`,
        },
        {
          id: rows[2]!.id,
          reason: `issues/${rows[2]!.id}/commit_id.txt: "not a commit" is not a commit id`,
        },
      ]);

      const tasks = await loadBank(bank);
      const byId = new Map(tasks.map((t) => [t.task.id, t]));
      const missing = byId.get(rows[0]!.id)!.task;
      expect(missing.hidden.graded_externally).toContain("is missing from the benchmark checkout");
      const done = byId.get(rows[4]!.id)!;
      expect(done.task.source).toEqual({
        repo: "https://github.com/Expensify/App",
        commit: COMMIT,
        base_patch: `hidden/issues/${rows[4]!.id}/bug_reintroduce.patch`,
      });
      expect(done.task.hidden.swe_lancer).toEqual({
        image: "swelancer/swelancer_x86_monolith:releasev1",
      });
      expect(done.task.hidden.test?.fail_to_pass).toEqual([`issues/${rows[4]!.id}/test.py`]);
      expect(done.task.hidden.graded_externally).toBeUndefined();
      // The folder is kept byte for byte (flow.mitm is not text).
      const flow = readFileSync(path.join(done.dir, "hidden/issues", rows[4]!.id, "flow.mitm"));
      expect([...flow]).toEqual([0x00, 0xff, 0xfe, 0x80, 0x0a]);
      const intro = byId.get(rows[3]!.id)!.task.source as { base_patch: string };
      expect(intro.base_patch).toMatch(/issue_introduction\.patch$/);

      const text = await runLancer([
        "import",
        LITE_SAMPLE,
        "--out",
        path.join(root, "bank2"),
        "--benchmark-dir",
        checkout,
      ]);
      expect(text.stderr + text.stdout).toContain(`IC tasks: ${gradable.length} gradable (`);
      expect(text.stderr + text.stdout).toContain(
        `  ${rows[1]!.id}: issues/${rows[1]!.id}/ is incomplete`,
      );
    }, 120_000);
  },
);

describe("the newer column set (all_swelancer_tasks.csv, with Diamond in `set`)", () => {
  it("makes its IC rows gradable the same way, keeping the set, and passes manager rows through", async () => {
    const checkout = tempDir();
    writeIssue(checkout, "300_1", "complete", COMMIT);
    const rows = readSweLancerCsv(newCsv());
    const { tasks, summary } = await attachIssueFolders(rows.tasks, {
      benchmarkDir: checkout,
      perTaskImages: true,
    });
    const ic = tasks.find((t) => t.task.id === "300_1")!.task;
    expect(ic.set).toBe("diamond");
    expect(ic.hidden.swe_lancer).toEqual({ image: "swelancer/swelancer_x86_300_1:releasev1" });
    expect(summary.gradable.tasks).toBe(1);
    expect(summary.not_gradable.tasks).toBe(0);
    const manager = tasks.find((t) => t.task.kind === "manager")!;
    expect(manager).toEqual(rows.tasks.find((t) => t.task.kind === "manager"));
  });
});

describe("the base of an imported SWE-Lancer task", () => {
  it("is the commit with the bug patch applied as one commit, and gold.patch is its reverse", async () => {
    const root = tempDir();
    const expensify = await localRepo(path.join(root, "App"));
    const commit = await expensify.commit({ "src/libs/Hello.js": HELLO_SOURCE }, "base");
    const checkout = path.join(root, "checkout");
    writeIssue(checkout, "100_1", "complete", commit);
    const csv = path.join(root, "tasks.csv");
    writeFileSync(csv, liteCsv());
    const bank = path.join(root, "bank");
    const imported = await runLancer(["import", csv, "--out", bank, "--benchmark-dir", checkout]);
    expect(imported.exitCode, imported.stderr).toBe(0);
    // Point the task at the local stand-in of Expensify/App.
    const yamlFile = path.join(bank, "100_1", "task.yaml");
    const yaml = readFileSync(yamlFile, "utf8").replace(
      "https://github.com/Expensify/App",
      expensify.dir,
    );
    writeFileSync(yamlFile, yaml);
    expect((parseYaml(yaml) as { source: { base_patch: string } }).source.base_patch).toBe(
      "hidden/issues/100_1/bug_reintroduce.patch",
    );

    const env = { LANCER_CACHE_DIR: path.join(root, "cache") };
    const seen = path.join(root, "seen");
    const out = await runLancer(["checkout", bank, "100_1", seen], { env });
    expect(out.exitCode, out.stderr).toBe(0);
    expect(readFileSync(path.join(seen, "src/libs/Hello.js"), "utf8")).toContain(
      "return `Hello, ${name}`;",
    );
    expect(await gitOutput(["rev-list", "--count", "HEAD"], { cwd: seen })).toBe("1");
    const gold = path.join(root, "gold");
    expect((await runLancer(["checkout", bank, "100_1", gold, "--gold"], { env })).exitCode).toBe(
      0,
    );
    expect(readFileSync(path.join(gold, "src/libs/Hello.js"), "utf8")).toBe(HELLO_SOURCE);
    const goldPatch = readFileSync(path.join(bank, "100_1", "gold.patch"), "utf8");
    expect(goldPatch).not.toBe(BUG_PATCH);
    expect(goldPatch).toContain("+    return `Hello, ${name}!`;");
  }, 120_000);
});
