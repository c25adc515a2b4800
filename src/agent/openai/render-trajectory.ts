import { readFile } from "node:fs/promises";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { TrajectoryEntry } from "./trajectory.ts";

/** GitHub refuses bodies over 65,536 characters; this leaves room for the rest of a PR body. */
export const DEFAULT_TRAJECTORY_CHARS = 60_000;

/** No single message or tool result may take more than this much of the summary. */
const MAX_BLOCK_CHARS = 3_000;

function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor((max - 40) / 2);
  return `${text.slice(0, half)}\n[... ${text.length - 2 * half} characters cut ...]\n${text.slice(-half)}`;
}

/** A fenced code block that no backtick run inside the text can close early. */
function fence(text: string, info = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${info}\n${text}\n${ticks}`;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function contentText(message: ChatCompletionMessageParam): string {
  const content = message.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => ("text" in part ? part.text : `[${part.type}]`)).join("");
}

function renderMessage(
  entry: Extract<TrajectoryEntry, { type: "message" }>,
  names: Map<string, string>,
): string {
  const message = entry.message;
  if (message.role === "assistant") {
    const parts: string[] = [];
    const text = contentText(message).trim();
    // The model's words are shown as Markdown, but no HTML of theirs may close our <details>.
    if (text) parts.push(escapeHtml(clip(text, MAX_BLOCK_CHARS)));
    for (const call of message.tool_calls ?? []) {
      if (call.type !== "function") continue;
      names.set(call.id, call.function.name);
      parts.push(
        `→ \`${call.function.name || "(no name)"}\`\n\n${fence(clip(call.function.arguments, MAX_BLOCK_CHARS), "json")}`,
      );
    }
    return parts.join("\n\n");
  }
  if (message.role === "tool") {
    const name = entry.tool?.name ?? names.get(message.tool_call_id) ?? "tool";
    const status = entry.tool
      ? `${entry.tool.ok ? "ok" : "error"}, ${entry.tool.duration_ms} ms`
      : "";
    return `<details><summary>${escapeHtml(name)} result${status ? ` (${status})` : ""}</summary>\n\n${fence(clip(contentText(message), MAX_BLOCK_CHARS))}\n\n</details>`;
  }
  return `<details><summary>${message.role} message</summary>\n\n${fence(clip(contentText(message), MAX_BLOCK_CHARS), "markdown")}\n\n</details>`;
}

/** Reads a trajectory file: one JSON entry per line; unreadable lines are skipped. */
export async function readTrajectory(file: string): Promise<TrajectoryEntry[]> {
  const text = await readFile(file, "utf8");
  return text.split("\n").flatMap((line) => {
    if (line.trim() === "") return [];
    try {
      return [JSON.parse(line) as TrajectoryEntry];
    } catch {
      return [];
    }
  });
}

/**
 * A trajectory as collapsed Markdown (`<details>`) for a pull-request body: a one-line summary
 * (model, steps, tokens, cost, how it ended), then each step. Never longer than `maxChars`:
 * when the steps do not fit, the first and the last are kept and the middle is left out.
 */
export async function renderTrajectoryMarkdown(
  source: string | readonly TrajectoryEntry[],
  maxChars: number = DEFAULT_TRAJECTORY_CHARS,
): Promise<string> {
  const entries = typeof source === "string" ? await readTrajectory(source) : source;
  const start = entries.find((e) => e.type === "start");
  const end = entries.find((e) => e.type === "end");
  const usages = entries.filter((e) => e.type === "usage");
  const total = end?.usage ?? usages.at(-1)?.total;
  const facts = [
    start ? `${start.model} on ${start.task_id}` : "agent",
    `${usages.length} step${usages.length === 1 ? "" : "s"}`,
    total ? `${(total.prompt_tokens ?? 0) + (total.completion_tokens ?? 0)} tokens` : undefined,
    total?.cost_usd !== undefined ? `$${total.cost_usd.toFixed(4)}` : undefined,
    end ? `ended: ${end.outcome}` : "unfinished",
  ].filter(Boolean);
  const head = `<details>\n<summary>Agent trajectory: ${escapeHtml(facts.join(", "))}</summary>\n\n`;
  const tail = `${end ? `\n\n**End:** ${escapeHtml(end.outcome)}: ${escapeHtml(end.detail)}` : ""}\n\n</details>\n`;

  const names = new Map<string, string>();
  const blocks: string[] = [];
  let step = 0;
  for (const entry of entries) {
    if (entry.type === "message") {
      const block = renderMessage(entry, names);
      if (entry.message.role === "assistant") {
        step += 1;
        blocks.push(`**Step ${step}**${block ? `\n\n${block}` : ""}`);
      } else if (block) blocks.push(block);
    } else if (entry.type === "note") {
      blocks.push(`> ${escapeHtml(entry.text)}`);
    }
  }
  const room = maxChars - head.length - tail.length;
  const joined = blocks.join("\n\n");
  if (joined.length <= room) return head + joined + tail;
  if (room < 200) return (head + tail).slice(0, maxChars);
  // Keep steps from both ends; the marker says how many were left out.
  const marker = (n: number) =>
    `\n\n*[... ${n} entries left out to fit ${maxChars} characters ...]*\n\n`;
  const budget = room - marker(blocks.length).length;
  const first: string[] = [];
  const last: string[] = [];
  let used = 0;
  let i = 0;
  let j = blocks.length - 1;
  while (i <= j) {
    const takeFirst = first.length <= last.length;
    const block = blocks[takeFirst ? i : j]!;
    if (used + block.length + 2 > budget) break;
    used += block.length + 2;
    if (takeFirst) first.push(blocks[i++]!);
    else last.unshift(blocks[j--]!);
  }
  return head + first.join("\n\n") + marker(j - i + 1) + last.join("\n\n") + tail;
}
