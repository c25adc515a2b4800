import type { CommitInfo } from "../checks/commit-info.ts";
import { latestRuns } from "../checks/rollup.ts";
import type { Sandbox } from "../sandbox.ts";
import type {
  App,
  CheckAnnotation,
  CheckConclusion,
  CheckRun,
  CheckSuite,
  Repo,
} from "../state/model.ts";
import { integration } from "./app.ts";
import { nodeId } from "./node-id.ts";
import { repository } from "./repository.ts";
import { simpleUser } from "./user.ts";

type Json = Record<string, unknown>;

/** Events an app's webhook description may list (global events such as `installation` are left out). */
const WEBHOOK_APP_EVENTS = new Set([
  "branch_protection_rule",
  "check_run",
  "check_suite",
  "code_scanning_alert",
  "commit_comment",
  "create",
  "delete",
  "deployment",
  "deployment_status",
  "deploy_key",
  "discussion",
  "discussion_comment",
  "fork",
  "gollum",
  "issues",
  "issue_comment",
  "label",
  "member",
  "membership",
  "merge_group",
  "milestone",
  "organization",
  "page_build",
  "project",
  "public",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "pull_request_review_thread",
  "push",
  "release",
  "repository",
  "repository_dispatch",
  "star",
  "status",
  "team",
  "team_add",
  "watch",
  "workflow_dispatch",
  "workflow_job",
  "workflow_run",
]);

function repoApi(sandbox: Sandbox, repo: Repo): string {
  return `${sandbox.apiUrl}/repos/${sandbox.store.ownerLogin(repo)}/${repo.name}`;
}

/** The REST URL of a check run. */
export function checkRunUrl(sandbox: Sandbox, repo: Repo, runId: number): string {
  return `${repoApi(sandbox, repo)}/check-runs/${runId}`;
}

/** The REST URL of a check suite. */
export function checkSuiteUrl(sandbox: Sandbox, repo: Repo, suiteId: number): string {
  return `${repoApi(sandbox, repo)}/check-suites/${suiteId}`;
}

/**
 * GitHub's `pull-request-minimal` for each open pull request of the repository whose head is
 * `headSha` (what check runs and suites list as their `pull_requests`).
 */
export function pullRequestsAt(sandbox: Sandbox, repo: Repo, headSha: string): Json[] {
  const { store } = sandbox;
  const api = repoApi(sandbox, repo);
  const ref = (r: Repo) => ({ id: r.id, url: repoApi(sandbox, r), name: r.name });
  return [...store.pulls.values()]
    .filter(
      (pull) =>
        pull.repoId === repo.id &&
        pull.headSha === headSha &&
        !pull.merged &&
        store.issues.get(pull.issueId)?.state !== "closed",
    )
    .sort((a, b) => a.number - b.number)
    .map((pull) => {
      const headRepo = store.repos.get(pull.headRepoId) ?? repo;
      return {
        url: `${api}/pulls/${pull.number}`,
        id: pull.id,
        number: pull.number,
        head: { ref: pull.headRef, sha: pull.headSha, repo: ref(headRepo) },
        base: { ref: pull.baseRef, sha: pull.baseSha, repo: ref(repo) },
      };
    });
}

function appOf(sandbox: Sandbox, appId: number | null): App | undefined {
  return appId === null ? undefined : sandbox.store.apps.get(appId);
}

/** GitHub's `check-run` (REST). */
export function checkRun(sandbox: Sandbox, repo: Repo, run: CheckRun): Json {
  const app = appOf(sandbox, run.appId);
  const url = checkRunUrl(sandbox, repo, run.id);
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId("CheckRun", run.id),
    external_id: run.externalId ?? "",
    url,
    html_url: `${sandbox.url}/${sandbox.store.ownerLogin(repo)}/${repo.name}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: app ? integration(sandbox, app) : null,
    pull_requests: pullRequestsAt(sandbox, repo, run.headSha),
  };
}

/** GitHub's `check-annotation` (REST). */
export function checkAnnotation(
  sandbox: Sandbox,
  repo: Repo,
  run: CheckRun,
  annotation: CheckAnnotation,
): Json {
  const owner = sandbox.store.ownerLogin(repo);
  return {
    path: annotation.path,
    blob_href: `${sandbox.url}/${owner}/${repo.name}/blob/${run.headSha}/${annotation.path}`,
    start_line: annotation.startLine,
    end_line: annotation.endLine,
    start_column: annotation.startColumn,
    end_column: annotation.endColumn,
    annotation_level: annotation.level,
    title: annotation.title,
    message: annotation.message,
    raw_details: annotation.rawDetails,
  };
}

function simpleCommit(commit: CommitInfo): Json {
  return {
    id: commit.sha,
    tree_id: commit.treeSha,
    message: commit.message,
    timestamp: commit.timestamp,
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
  };
}

function latestCount(sandbox: Sandbox, suite: CheckSuite): number {
  return latestRuns(
    [...sandbox.store.checkRuns.values()].filter((r) => r.checkSuiteId === suite.id),
  ).length;
}

/** GitHub's `check-suite` (REST); `headCommit` is the suite's head commit, read from git. */
export function checkSuite(
  sandbox: Sandbox,
  repo: Repo,
  suite: CheckSuite,
  headCommit: CommitInfo,
): Json {
  const app = appOf(sandbox, suite.appId);
  const url = checkSuiteUrl(sandbox, repo, suite.id);
  return {
    id: suite.id,
    node_id: nodeId("CheckSuite", suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: suite.status,
    conclusion: suite.conclusion,
    url,
    before: null,
    after: suite.headSha,
    pull_requests: pullRequestsAt(sandbox, repo, suite.headSha),
    app: app ? integration(sandbox, app) : null,
    repository: repository(sandbox, repo),
    created_at: suite.createdAt,
    updated_at: suite.updatedAt,
    head_commit: simpleCommit(headCommit),
    latest_check_runs_count: latestCount(sandbox, suite),
    check_runs_url: `${url}/check-runs`,
    rerequestable: true,
    runs_rerequestable: true,
  };
}

/** A user as webhook payloads describe it (GitHub's REST `simple-user` less `user_view_type`). */
function webhookUser(sandbox: Sandbox, app: App): Json {
  const { store } = sandbox;
  const owner = store.orgs.get(app.ownerId) ?? store.users.get(app.ownerId)!;
  const user = simpleUser(sandbox, owner);
  delete user.user_view_type;
  return user;
}

/** The `app` of check webhook payloads: GitHub's `app` definition of the webhook schemas. */
export function webhookApp(sandbox: Sandbox, app: App): Json {
  const rest = integration(sandbox, app);
  const permissions: Record<string, string> = {};
  for (const [name, level] of Object.entries(app.permissions))
    if (level !== "admin") permissions[name] = level;
  return {
    id: app.id,
    slug: app.slug,
    node_id: rest.node_id,
    owner: webhookUser(sandbox, app),
    name: app.name,
    description: rest.description,
    external_url: rest.external_url,
    html_url: rest.html_url,
    created_at: rest.created_at,
    updated_at: rest.updated_at,
    permissions,
    events: app.events.filter((e) => WEBHOOK_APP_EVENTS.has(e)),
  };
}

/**
 * A suite's conclusion as check webhooks carry it. GitHub sends `skipped` for a suite whose
 * runs were all skipped, but @octokit/webhooks-schemas does not list it for suites: those
 * payloads say `neutral`, the other conclusion that neither passes nor fails.
 */
function webhookSuiteConclusion(conclusion: CheckConclusion | null): CheckConclusion | null {
  return conclusion === "skipped" ? "neutral" : conclusion;
}

function webhookSuiteCore(sandbox: Sandbox, repo: Repo, suite: CheckSuite): Json {
  const app = appOf(sandbox, suite.appId);
  return {
    id: suite.id,
    node_id: nodeId("CheckSuite", suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: suite.status,
    conclusion: webhookSuiteConclusion(suite.conclusion),
    url: checkSuiteUrl(sandbox, repo, suite.id),
    before: null,
    after: suite.headSha,
    pull_requests: pullRequestsAt(sandbox, repo, suite.headSha),
    ...(app ? { app: webhookApp(sandbox, app) } : {}),
    created_at: suite.createdAt,
    updated_at: suite.updatedAt,
  };
}

/**
 * The `check_suite` of `check_suite` webhooks. `rerequestable` and `runs_rerequestable` are
 * left out of `rerequested` payloads, whose schema does not list them.
 */
export function webhookCheckSuite(
  sandbox: Sandbox,
  repo: Repo,
  suite: CheckSuite,
  headCommit: CommitInfo,
  action: "completed" | "requested" | "rerequested",
): Json {
  return {
    ...webhookSuiteCore(sandbox, repo, suite),
    ...(action === "rerequested" ? {} : { rerequestable: true, runs_rerequestable: true }),
    latest_check_runs_count: latestCount(sandbox, suite),
    check_runs_url: `${checkSuiteUrl(sandbox, repo, suite.id)}/check-runs`,
    head_commit: simpleCommit(headCommit),
  };
}

/** The `check_run` of `check_run` webhooks, with its suite embedded. */
export function webhookCheckRun(sandbox: Sandbox, repo: Repo, run: CheckRun): Json {
  const suite = sandbox.store.checkSuites.get(run.checkSuiteId)!;
  const app = appOf(sandbox, run.appId);
  const url = checkRunUrl(sandbox, repo, run.id);
  return {
    id: run.id,
    node_id: nodeId("CheckRun", run.id),
    head_sha: run.headSha,
    external_id: run.externalId ?? "",
    url,
    html_url: `${sandbox.url}/${sandbox.store.ownerLogin(repo)}/${repo.name}/runs/${run.id}`,
    ...(run.detailsUrl === null ? {} : { details_url: run.detailsUrl }),
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt ?? suite.createdAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: webhookSuiteCore(sandbox, repo, suite),
    ...(app ? { app: webhookApp(sandbox, app) } : {}),
    pull_requests: pullRequestsAt(sandbox, repo, run.headSha),
  };
}
