import type { Sandbox } from "../sandbox.ts";
import type { Repo, Workflow, WorkflowJob, WorkflowRun } from "../state/model.ts";
import { nodeId } from "./node-id.ts";
import { repository } from "./repository.ts";
import { simpleUser } from "./user.ts";

/** The keys of GitHub's `minimal-repository` / webhooks' `repository-lite`. */
const MINIMAL_REPOSITORY_KEYS = [
  "archive_url",
  "assignees_url",
  "blobs_url",
  "branches_url",
  "collaborators_url",
  "comments_url",
  "commits_url",
  "compare_url",
  "contents_url",
  "contributors_url",
  "deployments_url",
  "description",
  "downloads_url",
  "events_url",
  "fork",
  "forks_url",
  "full_name",
  "git_commits_url",
  "git_refs_url",
  "git_tags_url",
  "hooks_url",
  "html_url",
  "id",
  "issue_comment_url",
  "issue_events_url",
  "issues_url",
  "keys_url",
  "labels_url",
  "languages_url",
  "merges_url",
  "milestones_url",
  "name",
  "node_id",
  "notifications_url",
  "owner",
  "private",
  "pulls_url",
  "releases_url",
  "stargazers_url",
  "statuses_url",
  "subscribers_url",
  "subscription_url",
  "tags_url",
  "teams_url",
  "trees_url",
  "url",
];

/** GitHub's `minimal-repository` (REST) and `repository-lite` (webhooks). */
export function minimalRepository(sandbox: Sandbox, repo: Repo): Record<string, unknown> {
  const full = repository(sandbox, repo);
  return Object.fromEntries(MINIMAL_REPOSITORY_KEYS.map((key) => [key, full[key]]));
}

function repoApi(sandbox: Sandbox, repo: Repo): { api: string; html: string } {
  const fullName = `${sandbox.store.ownerLogin(repo)}/${repo.name}`;
  return {
    api: `${sandbox.apiUrl}/repos/${fullName}`,
    html: `${sandbox.url}/${fullName}`,
  };
}

/** GitHub's `workflow`. */
export function workflow(sandbox: Sandbox, wf: Workflow): Record<string, unknown> {
  const repo = sandbox.store.repos.get(wf.repoId)!;
  const { api, html } = repoApi(sandbox, repo);
  return {
    id: wf.id,
    node_id: nodeId("Workflow", wf.id),
    name: wf.name,
    path: wf.path,
    state: wf.state,
    created_at: wf.createdAt,
    updated_at: wf.updatedAt,
    url: `${api}/actions/workflows/${wf.id}`,
    html_url: `${html}/blob/${repo.defaultBranch}/${wf.path}`,
    badge_url: `${html}/workflows/${encodeURIComponent(wf.name)}/badge.svg`,
  };
}

/** Open pull requests of the repository whose head is the run's head (GitHub's `pull_requests`). */
function runPullRequests(sandbox: Sandbox, run: WorkflowRun): Record<string, unknown>[] {
  const { store } = sandbox;
  const repo = store.repos.get(run.repoId)!;
  const { api } = repoApi(sandbox, repo);
  const repoRef = { id: repo.id, url: api, name: repo.name };
  return [...store.pulls.values()]
    .filter(
      (pull) =>
        pull.repoId === run.repoId &&
        pull.headRepoId === run.repoId &&
        !pull.merged &&
        store.issues.get(pull.issueId)?.state === "open" &&
        (pull.headSha === run.headSha || pull.headRef === run.headBranch),
    )
    .map((pull) => ({
      url: `${api}/pulls/${pull.number}`,
      id: pull.id,
      number: pull.number,
      head: { ref: pull.headRef, sha: pull.headSha, repo: repoRef },
      base: { ref: pull.baseRef, sha: pull.baseSha, repo: repoRef },
    }));
}

/**
 * GitHub's `workflow-run`. `forWebhook` gives the webhook variant, which allows no extra keys
 * (no `head_repository_id`) and a string `head_branch`.
 */
export function workflowRun(
  sandbox: Sandbox,
  run: WorkflowRun,
  forWebhook = false,
): Record<string, unknown> {
  const { store } = sandbox;
  const repo = store.repos.get(run.repoId)!;
  const wf = store.workflows.get(run.workflowId)!;
  const { api, html } = repoApi(sandbox, repo);
  const runApi = `${api}/actions/runs/${run.id}`;
  const actor = store.users.get(run.actorId)!;
  const triggering = store.users.get(run.triggeringActorId ?? run.actorId) ?? actor;
  const minimal = minimalRepository(sandbox, repo);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("WorkflowRun", run.id),
    check_suite_id: run.checkSuiteId,
    check_suite_node_id: nodeId("CheckSuite", run.checkSuiteId),
    head_branch: forWebhook ? (run.headBranch ?? "") : run.headBranch,
    head_sha: run.headSha,
    path: wf.path,
    display_title: run.displayTitle ?? run.name,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url: runApi,
    html_url: `${html}/actions/runs/${run.id}`,
    pull_requests: runPullRequests(sandbox, run),
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: simpleUser(sandbox, actor),
    triggering_actor: simpleUser(sandbox, triggering),
    run_attempt: run.runAttempt,
    referenced_workflows: [],
    run_started_at: run.runStartedAt ?? run.createdAt,
    jobs_url: `${runApi}/jobs`,
    logs_url: `${runApi}/logs`,
    check_suite_url: `${api}/check-suites/${run.checkSuiteId}`,
    artifacts_url: `${runApi}/artifacts`,
    cancel_url: `${runApi}/cancel`,
    rerun_url: `${runApi}/rerun`,
    previous_attempt_url: run.runAttempt > 1 ? `${runApi}/attempts/${run.runAttempt - 1}` : null,
    workflow_url: `${api}/actions/workflows/${run.workflowId}`,
    head_commit: run.headCommit
      ? {
          id: run.headCommit.sha,
          tree_id: run.headCommit.treeSha,
          message: run.headCommit.message,
          timestamp: run.headCommit.timestamp,
          author: run.headCommit.author,
          committer: run.headCommit.committer,
        }
      : null,
    repository: minimal,
    head_repository: minimal,
    ...(forWebhook ? {} : { head_repository_id: repo.id }),
  };
}

/** GitHub's `job` (REST) and `workflow-job` (webhooks; the same keys). */
export function workflowJob(sandbox: Sandbox, job: WorkflowJob): Record<string, unknown> {
  const { store } = sandbox;
  const repo = store.repos.get(job.repoId)!;
  const run = store.workflowRuns.get(job.runId)!;
  const { api, html } = repoApi(sandbox, repo);
  const assigned = job.status !== "queued" && job.conclusion !== "skipped";
  return {
    id: job.id,
    run_id: job.runId,
    run_url: `${api}/actions/runs/${job.runId}`,
    run_attempt: job.runAttempt ?? 1,
    node_id: nodeId("CheckRun", job.checkRunId),
    head_sha: job.headSha,
    url: `${api}/actions/jobs/${job.id}`,
    html_url: `${html}/actions/runs/${job.runId}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.createdAt ?? job.startedAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    steps: job.steps.map((step) => ({
      name: step.name,
      status: step.status,
      conclusion: step.conclusion,
      number: step.number,
      started_at: step.startedAt,
      completed_at: step.completedAt,
    })),
    check_run_url: `${api}/check-runs/${job.checkRunId}`,
    labels: job.labels ?? ["ubuntu-latest"],
    runner_id: assigned ? 1 : null,
    runner_name: assigned ? "sandbox-runner" : null,
    runner_group_id: assigned ? 1 : null,
    runner_group_name: assigned ? "sandbox" : null,
    workflow_name: run.name,
    head_branch: run.headBranch,
  };
}
