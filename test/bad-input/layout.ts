import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyTask } from "../helpers/tiny-bank.ts";
import { makeSentinels, snapshotTree } from "./harness.ts";

/**
 * One bad-input case's folders: a bank with one tiny IC task, a work folder, a cache, and
 * sentinels beside them that no path from the task, a row or a flag may reach.
 * From a grading workspace (`work/lancer-<id>-XXXX/ws`), `../../../sentinels/...` reaches
 * the sentinels, so a path that climbs three levels aims exactly at them.
 */
export interface Layout {
  root: string;
  bank: string;
  taskDir: string;
  work: string;
  cache: string;
  sentinels: ReturnType<typeof makeSentinels>;
  /** Rewrites fields of task.yaml (deep paths given as objects). */
  editTask(edit: (task: Record<string, unknown>) => void): void;
  /** Snapshot of the bank, to prove it unchanged. */
  bankPicture(): Record<string, string>;
  /** The flags that keep a grading inside this layout. */
  flags: string[];
}

const parent = tempDir("lancer-bad-input-");

export function makeLayout(id = "tiny-add"): Layout {
  const root = mkdtempSync(path.join(parent, "case-"));
  const bank = path.join(root, "bank");
  const work = path.join(root, "work");
  const cache = path.join(root, "cache");
  mkdirSync(work);
  const taskDir = writeTinyTask(bank, id);
  const sentinels = makeSentinels(path.join(root, "sentinels"));
  const taskFile = path.join(taskDir, "task.yaml");
  return {
    root,
    bank,
    taskDir,
    work,
    cache,
    sentinels,
    editTask(edit) {
      const task = parse(readFileSync(taskFile, "utf8")) as Record<string, unknown>;
      edit(task);
      writeFileSync(taskFile, stringify(task));
    },
    bankPicture: () => snapshotTree(bank),
    flags: ["--work-dir", work, "--cache-dir", cache],
  };
}

/** The hidden test spec of a tiny task's parsed task.yaml, for edits. */
export function testSpec(task: Record<string, unknown>): Record<string, unknown> {
  return (task.hidden as { test: Record<string, unknown> }).test;
}
