import { fullName, reactionsToComment } from "../issues/queries.ts";
import type { Sandbox } from "../sandbox.ts";
import type { IssueComment, Repo } from "../state/model.ts";
import { authorAssociation } from "./author-association.ts";
import { nodeId } from "./node-id.ts";
import { reactionRollup } from "./reaction.ts";
import { simpleUser } from "./user.ts";

/**
 * GitHub's `issue-comment`; the same fields make the `comment` of `issue_comment` webhooks.
 * A comment on a pull request points its `html_url` at the pull request's page.
 */
export function issueComment(
  sandbox: Sandbox,
  repo: Repo,
  comment: IssueComment,
): Record<string, unknown> {
  const { store } = sandbox;
  const name = fullName(store, repo);
  const api = `${sandbox.apiUrl}/repos/${name}/issues`;
  const onPull = store.issueByNumber(repo.id, comment.issueNumber)?.pullRequestId != null;
  const user = store.users.get(comment.userId);
  return {
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    url: `${api}/comments/${comment.id}`,
    html_url: `${sandbox.url}/${name}/${onPull ? "pull" : "issues"}/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${api}/${comment.issueNumber}`,
    body: comment.body,
    user: user ? simpleUser(sandbox, user) : null,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(sandbox, repo, comment.userId),
    performed_via_github_app: null,
    reactions: reactionRollup(
      `${api}/comments/${comment.id}/reactions`,
      reactionsToComment(store, comment),
    ),
  };
}
