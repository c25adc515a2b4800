import { validationFailed } from "../http/api-error.ts";
import type { Issue, Repo } from "../state/model.ts";
import type { Store } from "../state/store.ts";
import { commentsOn, issueLabels } from "./queries.ts";

function pick<T extends string>(
  query: URLSearchParams,
  name: string,
  values: readonly T[],
  fallback: T,
): T {
  const value = query.get(name);
  if (value === null || value === "") return fallback;
  if (!(values as readonly string[]).includes(value))
    throw validationFailed([{ resource: "Issue", field: name, code: "invalid" }]);
  return value as T;
}

/** A `since` query parameter as a time in ms, or undefined; 422 when it is not a timestamp. */
export function sinceOf(query: URLSearchParams, resource = "Issue"): number | undefined {
  const value = query.get("since");
  if (value === null || value === "") return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw validationFailed([{ resource, field: "since", code: "invalid" }]);
  return time;
}

/** Whether the issue or its comments mention `@login`. */
function mentions(store: Store, issue: Issue, login: string): boolean {
  const pattern = new RegExp(
    `(^|[^\\w-])@${login.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`,
    "i",
  );
  return [issue.body ?? "", ...commentsOn(store, issue).map((c) => c.body)].some((text) =>
    pattern.test(text),
  );
}

/**
 * The issues (pull requests included, as GitHub lists them) of a repository that match the
 * query of "list repository issues": state, labels (all must match), assignee (login, `none`,
 * `*`), creator, mentioned, since; ordered by sort (created, updated, comments) and direction.
 */
export function listIssues(store: Store, repo: Repo, query: URLSearchParams): Issue[] {
  const state = pick(query, "state", ["open", "closed", "all"], "open");
  const sort = pick(query, "sort", ["created", "updated", "comments"], "created");
  const direction = pick(query, "direction", ["asc", "desc"], "desc");
  const since = sinceOf(query);
  const labels = (query.get("labels") ?? "")
    .split(",")
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l !== "");
  const assignee = query.get("assignee");
  const creator = query.get("creator");
  const mentioned = query.get("mentioned");
  const milestone = query.get("milestone");
  const userId = (login: string) => store.userByLogin(login)?.id ?? -1;

  const matches = (issue: Issue): boolean => {
    if (state !== "all" && issue.state !== state) return false;
    if (since !== undefined && Date.parse(issue.updatedAt) < since) return false;
    if (labels.length > 0) {
      const names = new Set(issueLabels(store, issue).map((l) => l.name.toLowerCase()));
      if (!labels.every((l) => names.has(l))) return false;
    }
    if (assignee === "none" && issue.assigneeIds.length > 0) return false;
    if (assignee === "*" && issue.assigneeIds.length === 0) return false;
    if (
      assignee &&
      assignee !== "none" &&
      assignee !== "*" &&
      !issue.assigneeIds.includes(userId(assignee))
    )
      return false;
    if (creator && issue.userId !== userId(creator)) return false;
    if (mentioned && !mentions(store, issue, mentioned)) return false;
    // The sandbox has no milestones: every issue has none.
    if (milestone && milestone !== "none") return false;
    return true;
  };
  const key = (issue: Issue): number =>
    sort === "comments"
      ? issue.comments
      : Date.parse(sort === "updated" ? issue.updatedAt : issue.createdAt);
  const sign = direction === "asc" ? 1 : -1;
  return [...store.issues.values()]
    .filter((issue) => issue.repoId === repo.id && matches(issue))
    .sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
}
