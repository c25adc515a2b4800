import { z } from "zod";
import { formatCents } from "../core/money.ts";
import { TaskId, type PublicTask } from "../core/task/schema.ts";

/**
 * How a task looks as a GitHub issue on its mirror, and how an agent reads it back. Hidden
 * HTML comments carry what a program needs (the task id, kind and price, each proposal's id);
 * the rest is for people. Nothing hidden about the task (tests, answer) is ever in an issue.
 */

const TASK_MARKER = /<!--\s*lancer:task\s+(\{[^\n]*?\})\s*-->/;
const PROPOSAL_MARKER = /<!--\s*lancer:proposal\s+(\{[^\n]*?\})\s*-->/;
const BODY_START = "<!-- lancer:body -->";
const BODY_END = "<!-- /lancer:body -->";

const TaskMarker = z.object({
  id: TaskId,
  kind: z.enum(["ic", "manager"]),
  price_cents: z.number().int().nonnegative(),
});
const ProposalMarker = z.object({ id: z.number().int().nonnegative() });

export function taskLabels(task: Pick<PublicTask, "kind" | "price_cents">): string[] {
  return ["lancer", formatCents(task.price_cents), task.kind];
}

/** The issue for a task: title, body with the hidden marker, labels. */
export function renderTaskIssue(task: PublicTask): {
  title: string;
  body: string;
  labels: string[];
} {
  const marker = JSON.stringify({ id: task.id, kind: task.kind, price_cents: task.price_cents });
  const how =
    task.kind === "ic"
      ? "Open a pull request that fixes this issue, with `Fixes #<this issue>` in its description. Hidden tests grade it; a pass pays the price."
      : "Each proposal is a comment below. Answer with a comment `/select N` (N the proposal's number); the choice the engineering manager made pays the price.";
  const attempts = task.rules.attempts;
  const deadline = task.rules.deadline_hours;
  return {
    title: task.title,
    body: [
      `<!-- lancer:task ${marker} -->`,
      `**Lancer task** · ${formatCents(task.price_cents)} · ${task.kind === "ic" ? "IC (code)" : "Manager (choose a proposal)"}`,
      "",
      BODY_START,
      task.body.trim(),
      BODY_END,
      "",
      "---",
      `**How to earn it:** ${how}`,
      "",
      `Rules: ${attempts} attempt${attempts === 1 ? "" : "s"} per agent${deadline ? `, ${deadline} hours from \`/claim\`` : ""}.`,
    ].join("\n"),
    labels: taskLabels(task),
  };
}

/** The comment holding one proposal of a manager task. */
export function renderProposalComment(proposal: {
  id: number;
  author?: string | undefined;
  content: string;
}): string {
  return [
    `<!-- lancer:proposal ${JSON.stringify({ id: proposal.id })} -->`,
    `### Proposal ${proposal.id}${proposal.author ? ` by ${proposal.author}` : ""}`,
    "",
    proposal.content.trim(),
    "",
    `_Choose it with \`/select ${proposal.id}\`._`,
  ].join("\n");
}

interface IssueLike {
  title: string;
  body?: string | null;
  user?: { login: string } | null;
}
interface CommentLike {
  body?: string | null;
  user?: { login: string } | null;
}

export class NotATaskIssue extends Error {
  override name = "NotATaskIssue";
}

/** The task id an issue carries, or undefined when it is not a Lancer task issue. */
export function taskIdOf(body: string | null | undefined): string | undefined {
  const match = TASK_MARKER.exec(body ?? "");
  if (!match) return undefined;
  const parsed = TaskMarker.safeParse(safeJson(match[1]!));
  return parsed.success ? parsed.data.id : undefined;
}

/**
 * The public task an issue describes, as an agent sees it. Proposals are read only from
 * comments by the issue's author (the app that seeded it): anyone else's comment that copies
 * the marker is ignored.
 */
export function readTaskIssue(
  issue: IssueLike,
  comments: readonly CommentLike[],
  where: string,
): PublicTask {
  const match = TASK_MARKER.exec(issue.body ?? "");
  if (!match) throw new NotATaskIssue(`${where} is not a Lancer task (no lancer:task marker)`);
  const marker = TaskMarker.safeParse(safeJson(match[1]!));
  if (!marker.success)
    throw new NotATaskIssue(`${where}: the lancer:task marker is not valid: ${match[1]}`);
  const body = issue.body ?? "";
  const start = body.indexOf(BODY_START);
  const end = body.indexOf(BODY_END);
  const text =
    start >= 0 && end > start ? body.slice(start + BODY_START.length, end).trim() : body.trim();
  const author = issue.user?.login;
  const proposals = comments.flatMap((comment) => {
    if (author === undefined || comment.user?.login !== author) return [];
    const found = PROPOSAL_MARKER.exec(comment.body ?? "");
    const parsed = found ? ProposalMarker.safeParse(safeJson(found[1]!)) : undefined;
    if (!parsed?.success) return [];
    const content = (comment.body ?? "")
      .replace(PROPOSAL_MARKER, "")
      .replace(/^\s*### Proposal .*\n/, "")
      .replace(/\n_Choose it with `\/select \d+`\._\s*$/, "")
      .trim();
    return [{ id: parsed.data.id, content }];
  });
  return {
    id: marker.data.id,
    kind: marker.data.kind,
    title: issue.title,
    body: text,
    price_cents: marker.data.price_cents,
    labels: [],
    rules: { attempts: 1 },
    ...(marker.data.kind === "manager" ? { proposals } : {}),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
