import { appendFile, mkdir, open } from "node:fs/promises";
import path from "node:path";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { Usage } from "../../core/ledger/entry.ts";

/** One line of a trajectory file. Every entry carries the time it was written. */
export type TrajectoryEntry = { at: string } & (
  | {
      type: "start";
      task_id: string;
      kind: "ic" | "manager";
      model: string;
      base_url: string;
      stream: boolean;
      limits: { max_steps: number; max_tokens: number | null; max_cost_usd: number | null };
    }
  | {
      type: "message";
      message: ChatCompletionMessageParam;
      /** For tool results: which tool ran, whether it succeeded, how long it took. */
      tool?: { name: string; ok: boolean; duration_ms: number };
    }
  | {
      type: "usage";
      step: number;
      prompt_tokens: number;
      completion_tokens: number;
      /** False when the endpoint reported no usage for this call (counted as 0). */
      reported: boolean;
      total: Usage;
    }
  | { type: "note"; text: string }
  | { type: "end"; outcome: string; detail: string; usage: Usage }
);

/** Distributes over the union so each variant keeps its own fields. */
type WithoutAt<T> = T extends unknown ? Omit<T, "at"> : never;
export type NewTrajectoryEntry = WithoutAt<TrajectoryEntry>;

export interface TrajectoryWriter {
  file: string;
  record(entry: NewTrajectoryEntry): Promise<void>;
}

/**
 * Creates `<dir>/<taskId>-<n>.jsonl` with the first free n (an attempt retried later gets
 * its own file) and appends one JSON line per entry, in the order recorded.
 */
export async function openTrajectory(dir: string, taskId: string): Promise<TrajectoryWriter> {
  await mkdir(dir, { recursive: true });
  for (let n = 1; ; n += 1) {
    const file = path.join(dir, `${taskId}-${n}.jsonl`);
    const handle = await open(file, "wx").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EEXIST") return undefined;
      throw error;
    });
    if (!handle) continue;
    await handle.close();
    // Entries are written one after the other, in the order they were recorded.
    let queue: Promise<void> = Promise.resolve();
    return {
      file,
      record: (entry) => {
        const line = `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`;
        const write = queue.then(() => appendFile(file, line));
        queue = write.catch(() => undefined);
        return write;
      },
    };
  }
}
