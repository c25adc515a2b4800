import type { ImportedTask } from "../import/imported-task.ts";
import { TaskFile } from "../task/schema.ts";
import { readIssueFolder, type IssueFolder } from "./issue-folder.ts";
import { MONOLITH_IMAGE, perTaskImage, testCommand } from "./profile.ts";
import { reversePatch } from "./reverse-patch.ts";

export interface SweLancerImportOptions {
  /** A checkout of openai/SWELancer-Benchmark (its `issues/` folder); none: nothing is gradable. */
  benchmarkDir?: string;
  /** Grade in each task's own image instead of the monolith. */
  perTaskImages?: boolean;
}

/** What became of the IC rows: gradable, or not with a reason per task. */
export interface SweLancerIcSummary {
  gradable: { tasks: number; cents: number };
  not_gradable: { tasks: number; cents: number; reasons: Array<{ id: string; reason: string }> };
}

const NO_CHECKOUT =
  "no --benchmark-dir: the hidden tests are in issues/<question_id>/ of the SWE-Lancer benchmark checkout";

/** One run of the official harness takes up to 20 minutes (its grading timeout). */
const RUN_TIMEOUT_SECONDS = 1200;

/**
 * Makes the IC tasks of a SWE-Lancer import gradable from the benchmark checkout: each gets
 * its issue folder as hidden files (`hidden/issues/<id>/`), Expensify/App at commit_id.txt
 * with the bug patch as its base, the bug patch reversed as gold.patch, and the `swe_lancer`
 * grading profile. A task whose folder is missing or incomplete stays graded externally,
 * with the reason in its task.yaml and in the summary. Manager tasks pass through unchanged.
 */
export async function attachIssueFolders(
  tasks: readonly ImportedTask[],
  options: SweLancerImportOptions,
): Promise<{ tasks: ImportedTask[]; summary: SweLancerIcSummary }> {
  const summary: SweLancerIcSummary = {
    gradable: { tasks: 0, cents: 0 },
    not_gradable: { tasks: 0, cents: 0, reasons: [] },
  };
  const out: ImportedTask[] = [];
  for (const imported of tasks) {
    const { task } = imported;
    if (task.kind !== "ic") {
      out.push(imported);
      continue;
    }
    const read = options.benchmarkDir
      ? await readIssueFolder(options.benchmarkDir, task.id)
      : ({ ok: false, reason: NO_CHECKOUT } as const);
    if (read.ok) {
      out.push(gradableTask(imported, read.folder, options));
      summary.gradable.tasks++;
      summary.gradable.cents += task.price_cents;
    } else {
      const reason = read.reason;
      const hidden = {
        ...task.hidden,
        graded_externally: `${task.hidden.graded_externally}: ${reason}`,
      };
      out.push({ ...imported, task: { ...task, hidden } });
      summary.not_gradable.tasks++;
      summary.not_gradable.cents += task.price_cents;
      summary.not_gradable.reasons.push({ id: task.id, reason });
    }
  }
  return { tasks: out, summary };
}

function gradableTask(
  imported: ImportedTask,
  folder: IssueFolder,
  options: SweLancerImportOptions,
): ImportedTask {
  const { task } = imported;
  const issueDir = `hidden/issues/${task.id}`;
  const { graded_externally: _external, ...hidden } = task.hidden;
  const source = task.source && "repo" in task.source ? task.source.repo : "";
  const candidate = {
    ...task,
    source: { repo: source, commit: folder.commit, base_patch: `${issueDir}/${folder.bugPatch}` },
    hidden: {
      ...hidden,
      test: {
        command: testCommand(task.id),
        format: "pytest" as const,
        fail_to_pass: [`issues/${task.id}/test.py`],
        pass_to_pass: [],
        timeout_seconds: RUN_TIMEOUT_SECONDS,
      },
      swe_lancer: { image: options.perTaskImages ? perTaskImage(task.id) : MONOLITH_IMAGE },
    },
  };
  const files: Record<string, Buffer> = {};
  for (const [name, content] of folder.files) files[`${issueDir}/${name}`] = content;
  const gold = reversePatch(folder.files.get(folder.bugPatch)!.toString("utf8"));
  return {
    line: imported.line,
    task: TaskFile.parse(candidate),
    files,
    ...(gold === undefined ? {} : { goldPatch: gold }),
  };
}
