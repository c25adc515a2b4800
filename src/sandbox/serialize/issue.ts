import { fullName, issueLabels, reactionsToIssue } from "../issues/queries.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Issue, Repo, User } from "../state/model.ts";
import { authorAssociation } from "./author-association.ts";
import { label } from "./label.ts";
import { nodeId } from "./node-id.ts";
import { reactionRollup } from "./reaction.ts";
import { simpleUser } from "./user.ts";

/** The fields GitHub's REST `issue` and the webhooks' `issue` share. */
function common(sandbox: Sandbox, repo: Repo, item: Issue): Record<string, unknown> {
  const { store } = sandbox;
  const name = fullName(store, repo);
  const api = `${sandbox.apiUrl}/repos/${name}/issues/${item.number}`;
  const pull = item.pullRequestId === null ? undefined : store.pulls.get(item.pullRequestId);
  const html = `${sandbox.url}/${name}/${item.pullRequestId === null ? "issues" : "pull"}/${item.number}`;
  const user = (id: number) => {
    const found: User | undefined = store.users.get(id);
    return found ? simpleUser(sandbox, found) : null;
  };
  const assignees = item.assigneeIds.map(user).filter((u) => u !== null);
  return {
    id: item.id,
    node_id: nodeId("Issue", item.id),
    url: api,
    repository_url: `${sandbox.apiUrl}/repos/${name}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    timeline_url: `${api}/timeline`,
    number: item.number,
    state: item.state,
    state_reason: item.stateReason,
    title: item.title,
    body: item.body,
    user: user(item.userId),
    labels: issueLabels(store, item).map((l) => label(sandbox, repo, l)),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    locked: item.locked,
    active_lock_reason: null,
    comments: item.comments,
    ...(item.pullRequestId === null
      ? {}
      : {
          pull_request: {
            url: `${sandbox.apiUrl}/repos/${name}/pulls/${item.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: pull?.mergedAt ?? null,
          },
          draft: pull?.draft ?? false,
        }),
    closed_at: item.closedAt,
    created_at: item.createdAt,
    updated_at: item.updatedAt,
    author_association: authorAssociation(sandbox, repo, item.userId),
    performed_via_github_app: null,
    reactions: reactionRollup(`${api}/reactions`, reactionsToIssue(store, item)),
  };
}

/** GitHub's REST `issue` (pull requests included, with their `pull_request` links). */
export function issue(sandbox: Sandbox, repo: Repo, item: Issue): Record<string, unknown> {
  const closedBy = item.closedById === null ? undefined : sandbox.store.users.get(item.closedById);
  return {
    ...common(sandbox, repo, item),
    closed_by: closedBy ? simpleUser(sandbox, closedBy) : null,
  };
}

/** The `issue` of `issues` and `issue_comment` webhooks (no `closed_by`, as GitHub sends it). */
export function webhookIssue(sandbox: Sandbox, repo: Repo, item: Issue): Record<string, unknown> {
  return common(sandbox, repo, item);
}
