import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { liteCsv } from "../helpers/swe-lancer-rows.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const dir = tempDir();
const good = path.join(dir, "good.csv");
const broken = path.join(dir, "broken.csv");
writeFileSync(good, liteCsv());
writeFileSync(
  broken,
  liteCsv({
    2: {
      manager_data: "{'game': {'all_formal_proposals': [{'id': 0, 'content': 'unterminated}]}}",
    },
  }),
);

describe("lancer import", () => {
  it("writes a bank and prints the counts and total as JSON", async () => {
    const out = path.join(dir, "bank-good");
    const result = await runLancerJson(["import", good, "--out", out]);
    expect(result).toMatchObject({
      exitCode: 0,
      tasks: 4,
      by_kind: { ic: 2, manager: 2 },
      total_cents: 650_000,
    });
    expect(readdirSync(out).sort()).toEqual(["100_1", "101_2", "200-manager-0", "201-manager-0"]);
    const listed = await runLancerJson<{ tasks: Array<{ id: string; gradable: boolean }> }>([
      "tasks",
      out,
    ]);
    expect(listed.tasks.map((t) => [t.id, t.gradable])).toEqual([
      ["100_1", false],
      ["101_2", false],
      ["200-manager-0", true],
      ["201-manager-0", true],
    ]);
  });

  it("fails on a broken literal naming the line, id and field, and writes nothing", async () => {
    const out = path.join(dir, "bank-broken");
    const result = await runLancer(["import", broken, "--out", out]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `${broken}:4 \\(id 200-manager-0\\): manager_data: not a valid Python literal: .*line 1, column \\d+`,
      ),
    );
    expect(result.stderr).toContain("nothing was written");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("bank-broken"))).toEqual([]);
  });

  it("imports the good rows with --skip-invalid and reports the bad one", async () => {
    const out = path.join(dir, "bank-skip");
    const result = await runLancerJson<{
      tasks: number;
      invalid: Array<{ line: number; id: string }>;
    }>(["import", broken, "--out", out, "--skip-invalid"]);
    expect(result.exitCode).toBe(0);
    expect(result.tasks).toBe(3);
    expect(result.invalid.map((r) => [r.line, r.id])).toEqual([[4, "200-manager-0"]]);
  });

  it("refuses to overwrite a bank unless --force", async () => {
    const out = path.join(dir, "bank-twice");
    expect((await runLancer(["import", good, "--out", out])).exitCode).toBe(0);
    const again = await runLancer(["import", good, "--out", out]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("exists and is not empty (use --force");
    expect((await runLancer(["import", good, "--out", out, "--force"])).exitCode).toBe(0);
  });

  it("explains an unknown format and an unreadable file", async () => {
    const unknown = await runLancer([
      "import",
      path.join(dir, "tasks.txt"),
      "--out",
      path.join(dir, "x"),
    ]);
    expect(unknown.stderr).toContain("cannot tell the format");
    const missing = await runLancer([
      "import",
      path.join(dir, "none.csv"),
      "--out",
      path.join(dir, "x"),
    ]);
    expect(missing.stderr).toMatch(/none\.csv cannot be read/);
    expect(missing.exitCode).toBe(1);
  });
});
