import { repoFor } from "../auth/permissions.ts";
import { validationFailed } from "../http/api-error.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import { readRefs } from "../git/refs.ts";
import { fullCommit } from "../serialize/commit.ts";
import { diffEntry } from "../serialize/diff-entry.ts";
import { pullRequest, pullRequestSimple } from "../serialize/pull.ts";
import type { PullRequest } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { diffFiles } from "./diff.ts";
import { pullFacts, pullRange } from "./facts.ts";
import { readCommits } from "./git-read.ts";
import { findPull } from "./lookup.ts";

/** GitHub lists at most 3,000 files and 250 commits of a pull request. */
const MAX_FILES = 3000;
const MAX_COMMITS = 250;

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}`: the full pull request with its git facts. */
export async function getPull(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "pull_requests", "read");
  const { pull } = findPull(context, repo);
  return {
    status: 200,
    body: pullRequest(context.sandbox, pull, await pullFacts(context.sandbox, pull)),
  };
}

function oneOf(context: RequestContext, name: string, allowed: string[], fallback: string): string {
  const value = context.query.get(name) ?? fallback;
  if (!allowed.includes(value))
    throw validationFailed([{ resource: "PullRequest", field: name, code: "invalid" }]);
  return value;
}

/**
 * `GET /repos/{owner}/{repo}/pulls`: filtered by `state`, `head` (`owner:branch`) and `base`,
 * sorted by `created`, `updated`, `popularity` or `long-running`, paginated.
 */
export async function listPulls(context: RequestContext): Promise<Reply> {
  const { store } = context.sandbox;
  const repo = repoFor(context, "pull_requests", "read");
  const state = oneOf(context, "state", ["open", "closed", "all"], "open");
  const sort = oneOf(
    context,
    "sort",
    ["created", "updated", "popularity", "long-running"],
    "created",
  );
  // GitHub: newest first when sorting by creation, else ascending unless told.
  const direction = oneOf(
    context,
    "direction",
    ["asc", "desc"],
    sort === "created" ? "desc" : "asc",
  );
  const head = context.query.get("head");
  const base = context.query.get("base");
  const owner = store.ownerLogin(repo).toLowerCase();
  const headRef =
    head === null ? null : head.includes(":") ? head.slice(head.indexOf(":") + 1) : head;
  const headOwner = head?.includes(":") ? head.slice(0, head.indexOf(":")).toLowerCase() : owner;
  const refs = await readRefs(repo.gitDir);
  const issueOf = (p: PullRequest) => store.issues.get(p.issueId)!;
  const pulls = [...store.pulls.values()]
    .filter((p) => p.repoId === repo.id)
    .filter((p) => state === "all" || issueOf(p).state === state)
    .filter((p) => headRef === null || (headOwner === owner && p.headRef === headRef))
    .filter((p) => base === null || p.baseRef === base);
  for (const pull of pulls)
    if (issueOf(pull).state === "open")
      pull.baseSha = refs.get(`refs/heads/${pull.baseRef}`) ?? pull.baseSha;
  const key = (p: PullRequest): string => {
    const issue = issueOf(p);
    if (sort === "updated") return issue.updatedAt;
    if (sort === "popularity") return String(issue.comments).padStart(10, "0");
    // `long-running` ranks by age, as `created` does.
    return issue.createdAt;
  };
  pulls.sort((a, b) => key(a).localeCompare(key(b)) || a.number - b.number);
  if (direction === "desc") pulls.reverse();
  return paginate(
    context,
    pulls.map((p) => pullRequestSimple(context.sandbox, p)),
  );
}

/** `GET .../pulls/{pull_number}/files`: the files changed from the merge base to the head. */
export async function listPullFiles(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "pull_requests", "read");
  const { pull, issue } = findPull(context, repo);
  const range = await pullRange(repo, pull, issue.state === "open");
  const files = (await diffFiles(repo.gitDir, range.from, range.head)).slice(0, MAX_FILES);
  return paginate(
    context,
    files.map((f) => diffEntry(context.sandbox, repo, range.head, f)),
  );
}

/** `GET .../pulls/{pull_number}/commits`: the pull request's commits, oldest first. */
export async function listPullCommits(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "pull_requests", "read");
  const { pull, issue } = findPull(context, repo);
  const range = await pullRange(repo, pull, issue.state === "open");
  const commits = (await readCommits(repo.gitDir, ["--reverse", `${range.base}..${range.head}`]))
    .slice(0, MAX_COMMITS)
    .map((c) => ({
      ...c,
      author: { ...c.author, date: timestamp(new Date(c.author.date)) },
      committer: { ...c.committer, date: timestamp(new Date(c.committer.date)) },
    }));
  return paginate(
    context,
    commits.map((c) => fullCommit(context.sandbox, repo, c)),
  );
}

/** `GET .../pulls/{pull_number}/merge`: 204 when merged, else 404 (both without a body). */
export function checkMerged(context: RequestContext): Reply {
  const repo = repoFor(context, "pull_requests", "read");
  const pull = context.sandbox.store.pullByNumber(repo.id, Number(context.params.pull_number));
  return { status: pull?.merged ? 204 : 404 };
}
