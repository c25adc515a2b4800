import type { Sandbox } from "../sandbox.ts";
import { simpleOrg, simpleUser } from "../serialize/user.ts";
import { webhookRepository } from "../serialize/webhook-shapes.ts";
import type { Repo } from "../state/model.ts";

/**
 * The event as a workflow sees it in `github.event`: the webhook fields with `repository`,
 * `organization` and `sender`, without the app's `installation`.
 */
export function workflowEventPayload(
  sandbox: Sandbox,
  repo: Repo,
  action: string | null,
  fields: Record<string, unknown>,
  senderId: number,
): Record<string, unknown> {
  const org = sandbox.store.orgs.get(repo.ownerId);
  const sender = sandbox.store.users.get(senderId);
  return {
    ...(action ? { action } : {}),
    ...fields,
    repository: fields.repository ?? webhookRepository(sandbox, repo),
    ...(org ? { organization: simpleOrg(sandbox, org) } : {}),
    ...(sender ? { sender: simpleUser(sandbox, sender) } : {}),
  };
}
