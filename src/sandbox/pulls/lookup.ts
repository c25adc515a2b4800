import { notFound } from "../http/api-error.ts";
import type { RequestContext } from "../http/context.ts";
import type { Issue, PullRequest, Repo } from "../state/model.ts";

/** The pull request named by the route's `pull_number` (404 when there is none) and its issue. */
export function findPull(context: RequestContext, repo: Repo): { pull: PullRequest; issue: Issue } {
  const raw = context.params.pull_number ?? "";
  const number = /^\d+$/.test(raw) ? Number(raw) : NaN;
  const pull = Number.isSafeInteger(number)
    ? context.sandbox.store.pullByNumber(repo.id, number)
    : undefined;
  const issue = pull ? context.sandbox.store.issues.get(pull.issueId) : undefined;
  if (!pull || !issue) throw notFound();
  return { pull, issue };
}

/** The permission level a pull request write needs: users need only read access, as on GitHub. */
export function pullWriteLevel(context: RequestContext): "read" | "write" {
  return context.principal.kind === "user" ? "read" : "write";
}
