import type { Issue, IssueComment, Label, Reaction, Repo } from "../state/model.ts";
import type { Store } from "../state/store.ts";

/** The labels of a repository, in the order GitHub lists them (by name, case-insensitively). */
export function repoLabels(store: Store, repoId: number): Label[] {
  return [...store.labels.values()]
    .filter((l) => l.repoId === repoId)
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id);
}

/** A repository's label by name; GitHub matches label names case-insensitively. */
export function labelByName(store: Store, repoId: number, name: string): Label | undefined {
  const lower = name.toLowerCase();
  for (const l of store.labels.values())
    if (l.repoId === repoId && l.name.toLowerCase() === lower) return l;
  return undefined;
}

/** The labels on an issue, in the order they were added. */
export function issueLabels(store: Store, issue: Issue): Label[] {
  return issue.labelIds.map((id) => store.labels.get(id)).filter((l) => l !== undefined);
}

/** The comments on one issue, oldest first. */
export function commentsOn(store: Store, issue: Issue): IssueComment[] {
  return [...store.comments.values()]
    .filter((c) => c.repoId === issue.repoId && c.issueNumber === issue.number)
    .sort((a, b) => a.id - b.id);
}

/** The reactions to an issue, oldest first. */
export function reactionsToIssue(store: Store, issue: Issue): Reaction[] {
  return [...store.reactions.values()]
    .filter(
      (r) =>
        r.subject.kind === "issue" &&
        r.subject.repoId === issue.repoId &&
        r.subject.number === issue.number,
    )
    .sort((a, b) => a.id - b.id);
}

/** The reactions to an issue comment, oldest first. */
export function reactionsToComment(store: Store, comment: IssueComment): Reaction[] {
  return [...store.reactions.values()]
    .filter((r) => r.subject.kind === "comment" && r.subject.commentId === comment.id)
    .sort((a, b) => a.id - b.id);
}

/** `owner/name` of a repository. */
export function fullName(store: Store, repo: Repo): string {
  return `${store.ownerLogin(repo)}/${repo.name}`;
}
