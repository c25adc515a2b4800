import type { Sandbox } from "../sandbox.ts";
import type { Reaction } from "../state/model.ts";
import { nodeId } from "./node-id.ts";
import { simpleUser } from "./user.ts";

/** The reaction contents GitHub counts, in the order of its rollups. */
export const REACTION_CONTENTS = [
  "+1",
  "-1",
  "laugh",
  "confused",
  "heart",
  "hooray",
  "rocket",
  "eyes",
] as const satisfies readonly Reaction["content"][];

/** GitHub's `reaction`. */
export function reaction(sandbox: Sandbox, item: Reaction): Record<string, unknown> {
  const user = sandbox.store.users.get(item.userId);
  return {
    id: item.id,
    node_id: nodeId("Reaction", item.id),
    user: user ? simpleUser(sandbox, user) : null,
    content: item.content,
    created_at: item.createdAt,
  };
}

/** GitHub's `reaction-rollup`: the reactions of one subject counted by content, with their URL. */
export function reactionRollup(
  url: string,
  reactions: readonly Reaction[],
): Record<string, unknown> {
  const rollup: Record<string, unknown> = { url, total_count: reactions.length };
  for (const content of REACTION_CONTENTS)
    rollup[content] = reactions.filter((r) => r.content === content).length;
  return rollup;
}
