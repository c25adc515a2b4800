import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  detectSweLancerColumns,
  ImportFormatError,
  readSweLancerCsv,
} from "../../../src/core/import/swe-lancer-csv.ts";
import { liteCsv, newCsv } from "../../helpers/swe-lancer-rows.ts";

const SAMPLE = path.resolve(
  import.meta.dirname,
  "../../../../shared/datasets/swe-lancer/swelancer_tasks_lite.sample.csv",
);

describe("readSweLancerCsv", () => {
  it("reads the lite column set: IC text from the prompt, manager proposals and choice from manager_data", () => {
    const { tasks, problems } = readSweLancerCsv(liteCsv());
    expect(problems).toEqual([]);
    expect(tasks.map((t) => [t.line, t.task.id, t.task.kind, t.task.price_cents])).toEqual([
      [2, "100_1", "ic", 100_000],
      [3, "101_2", "ic", 25_000],
      [4, "200-manager-0", "manager", 400_000],
      [5, "201-manager-0", "manager", 125_000],
    ]);
    const ic = tasks[0]!.task;
    expect(ic.title).toBe("[$1000] Avatars missing");
    expect(ic.body).toBe("### Problem\r\nOnly one avatar.");
    expect(ic.hidden.graded_externally).toMatch(/Docker image/);
    expect(ic.hidden.meta).toMatchObject({ acceptable_folders: ["100_1"], cwd: "/app/expensify" });
    const manager = tasks[2]!.task;
    expect(manager.title).toBe("Zip code validation");
    expect(manager.body).toBe("Steps:\r\n1. open\r\n2. type ,");
    expect(manager.proposals?.map((p) => p.id)).toEqual([0, 1, 2]);
    expect(manager.proposals?.[1]?.content).toBe("Proposal 1: change the 'validator'");
    expect(manager.hidden.correct_proposal_id).toBe(1);
  });

  it("reads the newer column set with its proposals and set columns", () => {
    const { tasks, problems } = readSweLancerCsv(newCsv());
    expect(problems).toEqual([]);
    expect(tasks[0]!.task).toMatchObject({
      id: "300_1",
      title: "[$500] Crash on send",
      body: "It crashes.",
      set: "diamond",
    });
    expect(tasks[1]!.task.proposals?.map((p) => p.content)).toEqual(["A", "B", "C"]);
    expect(tasks[1]!.task.hidden.correct_proposal_id).toBe(2);
  });

  it("names the line, id and field of every bad row", () => {
    const csv = liteCsv({
      1: { price: "cheap" },
      2: { manager_data: "{'game': {'all_formal_proposals': [}" },
      3: { variant: "swe_director" },
    });
    const { tasks, problems } = readSweLancerCsv(csv);
    expect(tasks.map((t) => t.task.id)).toEqual(["100_1"]);
    expect(problems.map((p) => [p.line, p.id, p.problems.map((x) => x.field)])).toEqual([
      [3, "101_2", ["price"]],
      [4, "200-manager-0", ["manager_data"]],
      [5, "201-manager-0", ["variant"]],
    ]);
    expect(problems[1]!.problems[0]!.message).toMatch(
      /not a valid Python literal: .*line 1, column \d+/,
    );
  });

  it("finds the right starting line for rows with quoted newlines", () => {
    const { tasks } = readSweLancerCsv(liteCsv({ 0: { cwd: "/app\nexpensify" } }));
    expect(tasks.map((t) => t.line)).toEqual([2, 4, 5, 6]);
  });

  it("reports a repeated question_id", () => {
    const { problems } = readSweLancerCsv(liteCsv({ 1: { question_id: "100_1" } }));
    expect(problems).toEqual([
      {
        line: 3,
        id: "100_1",
        problems: [{ field: "question_id", message: '"100_1" appears on an earlier row' }],
      },
    ]);
  });

  it("refuses a header that is neither column set, naming what is missing", () => {
    expect(() => detectSweLancerColumns(["question_id", "variant"])).toThrow(ImportFormatError);
    expect(() => readSweLancerCsv("question_id,variant,price\n1,ic_swe,1\n")).toThrow(
      /lacks manager_data, manager_commit, acceptable_folders, prompt/,
    );
  });

  it.skipIf(!existsSync(SAMPLE))(
    "imports the real sample: 120 tasks, 80 manager, 40 IC, 23,300,000 cents (skipped: ../shared absent)",
    () => {
      const { tasks, problems } = readSweLancerCsv(readFileSync(SAMPLE, "utf8"));
      expect(problems).toEqual([]);
      expect(tasks).toHaveLength(120);
      expect(tasks.filter((t) => t.task.kind === "manager")).toHaveLength(80);
      expect(tasks.reduce((sum, t) => sum + t.task.price_cents, 0)).toBe(23_300_000);
      expect(tasks.every((t) => t.task.title.length > 0 && t.task.body.length > 0)).toBe(true);
    },
  );
});
