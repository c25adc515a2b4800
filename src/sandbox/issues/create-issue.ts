import type { Issue, Repo } from "../state/model.ts";
import { timestamp, type Store } from "../state/store.ts";

/**
 * Stores a new open issue with the repository's next number (issues and pull requests share
 * the sequence). The pull request side may use it for a pull request's conversation.
 */
export function storeNewIssue(
  store: Store,
  repo: Repo,
  fields: {
    title: string;
    body: string | null;
    userId: number;
    labelIds?: number[];
    assigneeIds?: number[];
    pullRequestId?: number | null;
  },
): Issue {
  const now = timestamp();
  const issue: Issue = {
    id: store.nextId(),
    repoId: repo.id,
    number: repo.nextNumber,
    title: fields.title,
    body: fields.body,
    userId: fields.userId,
    state: "open",
    stateReason: null,
    locked: false,
    labelIds: fields.labelIds ?? [],
    assigneeIds: fields.assigneeIds ?? [],
    comments: 0,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    closedById: null,
    pullRequestId: fields.pullRequestId ?? null,
  };
  repo.nextNumber += 1;
  store.putIssue(issue);
  return issue;
}
