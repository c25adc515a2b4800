import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Agent } from "../core/agent.ts";
import { describeProblems, fieldProblems } from "../core/task/format-issues.ts";

/** One line of a predictions file, in Lancer's or SWE-bench's spelling. */
const Prediction = z
  .object({
    task_id: z.string().min(1).optional(),
    instance_id: z.string().min(1).optional(),
    patch: z.string().optional(),
    model_patch: z.string().nullable().optional(),
    selected_proposal_id: z.number().int().nonnegative().nullable().optional(),
  })
  .refine((p) => p.task_id !== undefined || p.instance_id !== undefined, {
    message: "needs task_id (or instance_id)",
    path: ["task_id"],
  });

interface Answer {
  patch?: string;
  selectedProposalId?: number | null;
}

/** Reads a JSONL predictions file, naming every bad line; duplicates are an error too. */
export async function readPredictions(file: string): Promise<Map<string, Answer>> {
  const text = await readFile(file, "utf8").catch((error: Error) => {
    throw new Error(`predictions file ${file} cannot be read: ${error.message}`);
  });
  const answers = new Map<string, Answer>();
  const problems: string[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `${file}:${index + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      problems.push(`${where}: not a JSON object`);
      return;
    }
    const parsed = Prediction.safeParse(raw);
    if (!parsed.success) {
      problems.push(describeProblems(where, fieldProblems(parsed.error)));
      return;
    }
    const id = (parsed.data.task_id ?? parsed.data.instance_id)!;
    if (answers.has(id)) problems.push(`${where}: task_id: ${id} appears twice`);
    answers.set(id, {
      patch: parsed.data.patch ?? parsed.data.model_patch ?? undefined,
      selectedProposalId: parsed.data.selected_proposal_id,
    });
  });
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return answers;
}

/** Replays answers made elsewhere (SWE-bench-style predictions); a task with none gets no change. */
export async function createPredictionsAgent(file: string): Promise<Agent> {
  const answers = await readPredictions(file);
  return {
    name: `predictions:${file}`,
    async solveIc({ task }) {
      return { patch: answers.get(task.id)?.patch ?? "" };
    },
    async solveManager({ task }) {
      return { selectedProposalId: answers.get(task.id)?.selectedProposalId ?? null };
    },
  };
}
