import type { Sandbox } from "../sandbox.ts";
import type { Label, Repo } from "../state/model.ts";
import { nodeId } from "./node-id.ts";

/** GitHub's `label` (the same shape in REST responses and in webhook payloads). */
export function label(sandbox: Sandbox, repo: Repo, item: Label): Record<string, unknown> {
  const fullName = `${sandbox.store.ownerLogin(repo)}/${repo.name}`;
  return {
    id: item.id,
    node_id: nodeId("Label", item.id),
    url: `${sandbox.apiUrl}/repos/${fullName}/labels/${encodeURIComponent(item.name)}`,
    name: item.name,
    color: item.color,
    description: item.description,
    default: item.default,
  };
}
