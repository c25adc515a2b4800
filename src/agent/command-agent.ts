import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Agent } from "../core/agent.ts";
import { runProcess } from "../core/exec/run-process.ts";
import { renderTaskText } from "../core/task/render-task-text.ts";
import { workspaceDiff } from "./workspace-diff.ts";

export interface CommandAgentOptions {
  command: string;
  timeoutMs: number;
}

/**
 * Runs any command-line agent with bash in a fresh checkout of the task. The task text is in
 * the file named by LANCER_TASK_FILE; for a manager task the command writes
 * {"selected_proposal_id": N} (or just N) to LANCER_ANSWER_FILE. The diff it leaves is its patch.
 */
export function createCommandAgent(options: CommandAgentOptions): Agent {
  const run = async (
    cwd: string,
    scratchDir: string,
    taskText: string,
    extra: Record<string, string>,
  ) => {
    const taskFile = path.join(scratchDir, "task.md");
    await writeFile(taskFile, taskText);
    return runProcess("bash", ["-c", options.command], {
      cwd,
      baseEnv: "inherit",
      env: { LANCER_TASK_FILE: taskFile, ...extra },
      timeoutMs: options.timeoutMs,
    });
  };
  return {
    name: `command:${options.command}`,
    async solveIc({ task, workspace, scratchDir }) {
      const ws = await workspace();
      await run(ws.dir, scratchDir, renderTaskText(task), { LANCER_TASK_ID: task.id });
      return { patch: await workspaceDiff(ws) };
    },
    async solveManager({ task, scratchDir }) {
      const answerFile = path.join(scratchDir, "answer.json");
      await run(scratchDir, scratchDir, renderTaskText(task), {
        LANCER_TASK_ID: task.id,
        LANCER_ANSWER_FILE: answerFile,
      });
      const answer = await readFile(answerFile, "utf8").catch(() => "");
      return { selectedProposalId: parseAnswer(answer) };
    },
  };
}

/** Reads `{"selected_proposal_id": N}` or a bare `N`; anything else is no selection. */
export function parseAnswer(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  try {
    const value = (JSON.parse(trimmed) as { selected_proposal_id?: unknown }).selected_proposal_id;
    return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
  } catch {
    return null;
  }
}
