import type { PullFacts } from "../pulls/facts.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Issue, PullRequest, Repo } from "../state/model.ts";
import { authorAssociation } from "./author-association.ts";
import { label } from "./label.ts";
import { nodeId } from "./node-id.ts";
import { repository } from "./repository.ts";
import { simpleUser } from "./user.ts";
import { webhookRepository } from "./webhook-shapes.ts";

/** REST responses and webhook payloads nest repositories in different shapes. */
type Flavor = "rest" | "webhook";

function repoShape(sandbox: Sandbox, flavor: Flavor, repo: Repo): Record<string, unknown> {
  return flavor === "rest" ? repository(sandbox, repo) : webhookRepository(sandbox, repo);
}

/** `head` / `base` of a pull request: the branch, its commit, its repository and owner. */
function branchEnd(
  sandbox: Sandbox,
  flavor: Flavor,
  repo: Repo,
  ref: string,
  sha: string,
): Record<string, unknown> {
  const { store } = sandbox;
  const owner = store.orgs.get(repo.ownerId) ?? store.users.get(repo.ownerId)!;
  return {
    label: `${owner.login}:${ref}`,
    ref,
    sha,
    user: simpleUser(sandbox, owner),
    repo: repoShape(sandbox, flavor, repo),
  };
}

/** The fields every pull request shape has (`pull-request-simple` and the webhooks' `simple-pull-request`). */
function core(
  sandbox: Sandbox,
  flavor: Flavor,
  pull: PullRequest,
  baseSha: string,
): Record<string, unknown> {
  const { store } = sandbox;
  const repo = store.repos.get(pull.repoId)!;
  const issue: Issue = store.issues.get(pull.issueId)!;
  const name = `${store.ownerLogin(repo)}/${repo.name}`;
  const api = `${sandbox.apiUrl}/repos/${name}`;
  const self = `${api}/pulls/${pull.number}`;
  const html = `${sandbox.url}/${name}/pull/${pull.number}`;
  const person = (id: number) => {
    const user = store.users.get(id);
    return user ? simpleUser(sandbox, user) : null;
  };
  const assignees = issue.assigneeIds.map(person).filter((u) => u !== null);
  const headRepo = store.repos.get(pull.headRepoId) ?? repo;
  const link = (href: string) => ({ href });
  return {
    url: self,
    id: pull.id,
    node_id: nodeId("PullRequest", pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    number: pull.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: person(issue.userId),
    body: issue.body,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: [],
    requested_teams: [],
    labels: issue.labelIds
      .map((id) => store.labels.get(id))
      .filter((l) => l !== undefined)
      .map((l) => label(sandbox, repo, l)),
    milestone: null,
    draft: pull.draft,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pull.headSha}`,
    head: branchEnd(sandbox, flavor, headRepo, pull.headRef, pull.headSha),
    base: branchEnd(sandbox, flavor, repo, pull.baseRef, baseSha),
    _links: {
      self: link(self),
      html: link(html),
      issue: link(`${api}/issues/${pull.number}`),
      comments: link(`${api}/issues/${pull.number}/comments`),
      review_comments: link(`${self}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${self}/commits`),
      statuses: link(`${api}/statuses/${pull.headSha}`),
    },
    author_association: authorAssociation(sandbox, repo, issue.userId),
    auto_merge: null,
    active_lock_reason: null,
  };
}

/** The fields only the full shape has: merge state, counters and sizes. */
function details(sandbox: Sandbox, pull: PullRequest, facts: PullFacts): Record<string, unknown> {
  const { store } = sandbox;
  const issue = store.issues.get(pull.issueId)!;
  const mergedBy = pull.mergedById === null ? undefined : store.users.get(pull.mergedById);
  return {
    merged: pull.merged,
    mergeable: facts.mergeable,
    rebaseable: facts.mergeable,
    mergeable_state: facts.mergeableState,
    merged_by: mergedBy ? simpleUser(sandbox, mergedBy) : null,
    comments: issue.comments,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits: facts.commits,
    additions: facts.additions,
    deletions: facts.deletions,
    changed_files: facts.changedFiles,
  };
}

/** GitHub's REST `pull-request` (get, create, update). */
export function pullRequest(
  sandbox: Sandbox,
  pull: PullRequest,
  facts: PullFacts,
): Record<string, unknown> {
  return {
    ...core(sandbox, "rest", pull, facts.range.base),
    ...details(sandbox, pull, facts),
  };
}

/** GitHub's REST `pull-request-simple` (the list). */
export function pullRequestSimple(sandbox: Sandbox, pull: PullRequest): Record<string, unknown> {
  return core(sandbox, "rest", pull, pull.baseSha);
}

/** The `pull_request` of `pull_request` webhooks (the full shape, webhook users and repositories). */
export function webhookPullRequest(
  sandbox: Sandbox,
  pull: PullRequest,
  facts: PullFacts,
): Record<string, unknown> {
  return {
    ...core(sandbox, "webhook", pull, facts.range.base),
    ...details(sandbox, pull, facts),
  };
}

/** The `pull_request` of `pull_request_review` webhooks (`simple-pull-request`). */
export function webhookSimplePullRequest(
  sandbox: Sandbox,
  pull: PullRequest,
): Record<string, unknown> {
  return core(sandbox, "webhook", pull, pull.baseSha);
}
