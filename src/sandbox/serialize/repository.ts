import type { Sandbox } from "../sandbox.ts";
import type { Principal, Repo } from "../state/model.ts";
import { userRole } from "../auth/permissions.ts";
import { nodeId } from "./node-id.ts";
import { simpleUser } from "./user.ts";

/** The `permissions` block GitHub adds for the authenticated caller. */
function permissionsFor(sandbox: Sandbox, principal: Principal, repo: Repo) {
  const role =
    principal.kind === "user" ? userRole(sandbox.store, principal.userId, repo) : undefined;
  const rank = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 }[role ?? "read"] ?? 0;
  const has = role !== undefined;
  return {
    admin: has && rank >= 5,
    maintain: has && rank >= 4,
    push: has && rank >= 3,
    triage: has && rank >= 2,
    pull: has || !repo.private,
  };
}

/** GitHub's `repository` / `full-repository` for a sandbox repository. */
export function repository(
  sandbox: Sandbox,
  repo: Repo,
  principal?: Principal,
): Record<string, unknown> {
  const { store } = sandbox;
  const ownerLogin = store.ownerLogin(repo);
  const owner = store.orgs.get(repo.ownerId) ?? store.users.get(repo.ownerId)!;
  const fullName = `${ownerLogin}/${repo.name}`;
  const api = `${sandbox.apiUrl}/repos/${fullName}`;
  const openIssues = [...store.issues.values()].filter(
    (i) => i.repoId === repo.id && i.state === "open",
  ).length;
  const org = store.orgs.get(repo.ownerId);
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: fullName,
    private: repo.private,
    owner: simpleUser(sandbox, owner),
    html_url: `${sandbox.url}/${fullName}`,
    description: repo.description,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `${sandbox.url.replace(/^http/, "git")}/${fullName}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${new URL(sandbox.url).host}:${fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${sandbox.url}/${fullName}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: `${sandbox.url}/${fullName}`,
    homepage: repo.homepage,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: repo.hasIssues,
    has_projects: repo.hasProjects,
    has_wiki: repo.hasWiki,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: repo.archived,
    disabled: false,
    visibility: repo.private ? "private" : "public",
    pushed_at: repo.pushedAt ?? repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    ...(principal && principal.kind !== "anonymous"
      ? { permissions: permissionsFor(sandbox, principal, repo) }
      : {}),
    allow_forking: false,
    web_commit_signoff_required: false,
    license: null,
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    network_count: 0,
    subscribers_count: 0,
    ...(org ? { organization: simpleUser(sandbox, org) } : {}),
  };
}
