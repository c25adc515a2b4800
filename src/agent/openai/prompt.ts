import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { formatCents } from "../../core/money.ts";
import type { PublicTask } from "../../core/task/schema.ts";

const IC_SYSTEM = `You are an expert software engineer. A git repository is checked out for you at the commit where an issue was reported, and you have been asked to fix that issue.

Work with the tools: list_files, read_file and search_text to find your way; edit_file or apply_patch to change files; run_shell to run commands such as the project's own tests. Paths are relative to the repository root.

Hidden tests you cannot see will grade your change. Do not modify the existing tests or the test setup, and leave no TODOs or unfinished work. You do not need to commit or push: the changes you leave in the files are your answer. Go step by step, check your change, and call submit once when you are done.`;

const MANAGER_SYSTEM = `You are an expert software engineering manager. Your team was asked to fix an issue, and engineers have sent proposals for how to fix it. Your job is to choose the proposal you would approve: the one that fixes the issue correctly, at its root, without breaking anything else.

Answer by calling select_proposal with the id of the proposal you choose and a short reason. If you cannot call tools, answer with JSON only: {"selected_proposal_id": N, "reason": "..."}.`;

/** The issue as the model reads it: title and text, nothing from the task's hidden part. */
function issue(task: PublicTask): string {
  return `# ${task.title}\n\n${task.body.trim()}`;
}

/**
 * The opening messages of an attempt, built from the public task only: for an IC task the
 * issue and its price; for a manager task the issue, the price, every proposal and the
 * instruction to pick one (the content of the official SWE-Lancer prompts, in Lancer's words).
 */
export function openingMessages(task: PublicTask): ChatCompletionMessageParam[] {
  const price = formatCents(task.price_cents);
  if (task.kind === "manager") {
    const proposals = (task.proposals ?? []).map(
      (p) => `## Proposal ${p.id}${p.author ? ` (by ${p.author})` : ""}\n\n${p.content.trim()}`,
    );
    return [
      { role: "system", content: MANAGER_SYSTEM },
      {
        role: "user",
        content: [
          `Your team is addressing this issue:\n\n${issue(task)}`,
          `You will be paid ${price} if your team fixes it. As the manager, choose the best of these proposals for how to fix it:`,
          ...proposals,
          `Choose one proposal by its id (${(task.proposals ?? []).map((p) => p.id).join(", ")}) with select_proposal.`,
        ].join("\n\n"),
      },
    ];
  }
  return [
    { role: "system", content: IC_SYSTEM },
    {
      role: "user",
      content: [
        `You have been asked to fix this issue:\n\n${issue(task)}`,
        `The reward for a correct fix is ${price}. Make your change in the repository, then call submit.`,
      ].join("\n\n"),
    },
  ];
}

/** Said to a model that answered without calling a tool. */
export function nudge(kind: "ic" | "manager"): string {
  return kind === "ic"
    ? "Please continue with the tools. When your change is complete, call submit."
    : "Please answer by calling select_proposal with the id of the proposal you choose.";
}
