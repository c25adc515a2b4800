import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { BankError, gradability, loadBank, publicView } from "../../src/core/task/bank.ts";
import { TaskFile } from "../../src/core/task/schema.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyManagerTask, writeTinyTask } from "../helpers/tiny-bank.ts";

const ic = (hidden: Record<string, unknown>, source: Record<string, unknown> = { dir: "source" }) =>
  TaskFile.parse({ id: "t", kind: "ic", title: "T", body: "", price_cents: 100, source, hidden });

describe("loadBank", () => {
  it("loads every task folder, sorted by id", async () => {
    const bank = tempDir();
    writeTinyTask(bank, "b-task");
    writeTinyManagerTask(bank, "a-task");
    writeFileSync(path.join(bank, "README.md"), "# a bank\n");
    mkdirSync(path.join(bank, ".git"));
    expect((await loadBank(bank)).map((t) => t.task.id)).toEqual(["a-task", "b-task"]);
  });

  it("names a folder without task.yaml instead of skipping it", async () => {
    const bank = tempDir();
    writeTinyManagerTask(bank, "a-task");
    mkdirSync(path.join(bank, "not-a-task"));
    await expect(loadBank(bank)).rejects.toThrow(
      `${path.join(bank, "not-a-task")}: a folder with no task.yaml (every folder of a bank is a task)`,
    );
  });

  it("names every invalid task file and field at once", async () => {
    const bank = tempDir();
    mkdirSync(path.join(bank, "one"));
    writeFileSync(
      path.join(bank, "one", "task.yaml"),
      stringify({ id: "one", kind: "ic", title: "", body: "x", price_cents: -5 }),
    );
    mkdirSync(path.join(bank, "two"));
    writeFileSync(
      path.join(bank, "two", "task.yaml"),
      stringify({
        id: "other",
        kind: "manager",
        title: "M",
        body: "",
        price_cents: 1,
        proposals: [
          { id: 0, content: "a" },
          { id: 1, content: "b" },
        ],
        hidden: { correct_proposal_id: 7 },
      }),
    );
    mkdirSync(path.join(bank, "three"));
    writeFileSync(path.join(bank, "three", "task.yaml"), "id: [unclosed\n");
    const error = await loadBank(bank).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BankError);
    const message = (error as Error).message;
    expect(message).toContain(`${path.join(bank, "one", "task.yaml")}: title:`);
    expect(message).toContain(`${path.join(bank, "one", "task.yaml")}: price_cents:`);
    expect(message).toContain(
      `${path.join(bank, "two", "task.yaml")}: hidden.correct_proposal_id: must be one of the proposal ids 0, 1`,
    );
    expect(message).toContain(`${path.join(bank, "three", "task.yaml")}: not valid YAML`);
  });

  it("explains a bank path that is not a folder", async () => {
    await expect(loadBank(path.join(tempDir(), "missing"))).rejects.toThrow(
      /not a folder \(expected a task bank\)/,
    );
  });
});

describe("gradability and the public view", () => {
  it("grades here only IC tasks with a test and a reachable base", () => {
    const test = { command: "true", format: "tap", fail_to_pass: ["a"] };
    expect(gradability(ic({ test }))).toEqual({ gradable: true });
    expect(
      gradability(ic({ graded_externally: "in the image" }, { repo: "x", external: true })),
    ).toEqual({ gradable: false, reason: "in the image" });
    expect(gradability(ic({ test }, { repo: "https://example.test/r", external: true }))).toEqual({
      gradable: false,
      reason: "the base of https://example.test/r is not available here",
    });
  });

  it("drops every hidden field from what a model sees", () => {
    const view = publicView(
      ic({
        test: { command: "secret-command", format: "tap", fail_to_pass: ["a"] },
        protected: ["test/**"],
      }),
    );
    expect(JSON.stringify(view)).not.toContain("secret-command");
    expect(Object.keys(view)).not.toContain("hidden");
  });
});
