import { formatCents } from "../money.ts";
import type { PublicTask } from "./schema.ts";

/**
 * The task as a model reads it: title, price, issue text and, for a manager task, the
 * proposals and how to answer. Built from the public part only.
 */
export function renderTaskText(task: PublicTask): string {
  const parts = [
    `# ${task.title}`,
    "",
    `Price: ${formatCents(task.price_cents)}`,
    "",
    task.body.trim(),
    "",
  ];
  if (task.kind === "manager") {
    parts.push(
      "## Proposals",
      "",
      "You are the engineering manager. Choose the proposal you would approve.",
      "",
      ...(task.proposals ?? []).flatMap((p) => [
        `### Proposal ${p.id}${p.author ? ` by ${p.author}` : ""}`,
        "",
        p.content.trim(),
        "",
      ]),
      'Answer with the id of one proposal, as JSON: {"selected_proposal_id": N}.',
      "",
    );
  } else {
    parts.push(
      "Make the change in this repository. Do not modify the tests; hidden tests will grade your change.",
      "",
    );
  }
  return parts.join("\n");
}
