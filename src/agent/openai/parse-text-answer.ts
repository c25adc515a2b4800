/**
 * Finds a manager's answer written as text instead of a tool call:
 * `{"selected_proposal_id": N, "reason": "..."}` anywhere in the reply. Only an id among
 * `proposalIds` counts.
 */
export function parseTextAnswer(
  content: string,
  proposalIds: readonly number[],
): { proposalId: number; reason: string } | undefined {
  for (const match of content.matchAll(/\{[^{}]*"selected_proposal_id"[^{}]*\}/g)) {
    try {
      const value = JSON.parse(match[0]) as { selected_proposal_id?: unknown; reason?: unknown };
      const id = value.selected_proposal_id;
      if (typeof id === "number" && proposalIds.includes(id)) {
        return { proposalId: id, reason: typeof value.reason === "string" ? value.reason : "" };
      }
    } catch {
      // Not JSON after all: look further.
    }
  }
  return undefined;
}
