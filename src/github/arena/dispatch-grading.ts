import type { ArenaScope } from "./scope.ts";

/** What the grader workflow needs to grade one attempt (its `workflow_dispatch` inputs). */
export interface GradingRequest {
  /** The mirror's name (in the org). */
  repo: string;
  pullRequest: number;
  sha: string;
  taskId: string;
  attempt: number;
  /** The agent whose attempt it is (named in the run, so the app need not look it up). */
  agent: string;
  /** The `Lancer` check run the app queued (the Action completes it without a lookup). */
  checkRunId?: number | undefined;
  /** The app's comment on the pull request (edited in place with the payout, no lookup). */
  commentId?: number | undefined;
}

/** Starts the grader workflow on its default branch for one attempt. */
export async function dispatchGrading(scope: ArenaScope, request: GradingRequest): Promise<void> {
  await scope.github.request(
    "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    {
      owner: scope.grader.owner,
      repo: scope.grader.repo,
      workflow_id: scope.config.workflow,
      ref: scope.grader.ref,
      inputs: {
        repository: `${scope.org}/${request.repo}`,
        pr: String(request.pullRequest),
        sha: request.sha,
        task: request.taskId,
        attempt: String(request.attempt),
        runs: String(scope.config.grading.runs),
        agent: request.agent,
        ...(scope.installationId ? { installation: String(scope.installationId) } : {}),
        ...(request.checkRunId ? { check_run: String(request.checkRunId) } : {}),
        ...(request.commentId ? { comment: String(request.commentId) } : {}),
      },
    },
  );
}

/**
 * The grader workflow's run name (`run-name:` of templates/grader.yml) read back: which
 * attempt a completed run graded, and the ids of its check run and comment when the run
 * names them (they are only hints: each is checked to be the app's own before it is used).
 * Undefined for any other title.
 */
export function parseGradingRunName(
  title: string,
): (GradingRequest & { owner: string }) | undefined {
  const match =
    /^Lancer grade ([A-Za-z0-9][A-Za-z0-9._-]*) attempt (\d+) by ([A-Za-z0-9][A-Za-z0-9-]*(?:\[bot\])?) of ([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)#(\d+) at ([0-9a-f]{40})(?: check (\d*) comment ?(\d*))?$/.exec(
      title.trim(),
    );
  if (!match) return undefined;
  return {
    owner: match[4]!,
    taskId: match[1]!,
    attempt: Number(match[2]),
    agent: match[3]!,
    repo: match[5]!,
    pullRequest: Number(match[6]),
    sha: match[7]!,
    ...(match[8] ? { checkRunId: Number(match[8]) } : {}),
    ...(match[9] ? { commentId: Number(match[9]) } : {}),
  };
}
