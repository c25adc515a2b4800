import picomatch from "picomatch";
import type { TaskFile } from "../../core/task/schema.ts";
import {
  renderAttemptComment,
  attemptMarker,
  type AttemptView,
} from "../../core/report/render-attempt.ts";
import { readAttempt } from "../ledger-repo.ts";
import { upsertMarkedComment } from "../marked-comment.ts";
import { listAll } from "../rest.ts";
import { createCheckRun, findOwnCheckRun, winsRace } from "./check-runs.ts";
import { labelLate, taskDeadline } from "./deadline.ts";
import { dispatchGrading } from "./dispatch-grading.ts";
import { isAgent, isMirrorCandidate, maxAttemptsOf, type ArenaScope } from "./scope.ts";

/** The facts of a pull request event the arena acts on. */
export interface PullRequestFacts {
  /** The webhook's action: `opened`, `reopened`, `ready_for_review`, `synchronize`. */
  action: string;
  repo: string;
  owner: string;
  number: number;
  headSha: string;
  author: string;
  draft: boolean;
  state: string;
  createdAt: string;
  htmlUrl: string;
}

export type SubmitOutcome =
  | { action: "skipped"; why: string }
  | { action: "refused"; attempt: number; why: string }
  | { action: "dispatched"; attempt: number };

/**
 * A pull request on a task mirror became an attempt: check the task, the agent, the attempt
 * budget, the deadline and the paths it touches, then queue the `Lancer` check run and
 * dispatch the grader. Doing it twice for one head (a redelivery) dispatches nothing more.
 */
export async function submitPullRequest(
  scope: ArenaScope,
  pr: PullRequestFacts,
): Promise<SubmitOutcome> {
  if (!isMirrorCandidate(scope, pr.owner, pr.repo)) return skipped("not a task mirror");
  if (pr.draft) return skipped("draft pull requests are not graded");
  if (pr.state !== "open") return skipped("the pull request is closed");
  if (!isAgent(scope, pr.author)) return skipped(`${pr.author} is not an agent of this arena`);
  const task = await scope.readTask(pr.repo);
  if (!task) return skipped(`${pr.repo} is not a task of ${scope.grader.repo}`);
  if (task.kind !== "ic") return skipped("a manager task is answered with /select, not a PR");

  const attempt = await attemptOfPull(scope, pr);
  // A pull request opened a moment ago has no check run nor recorded attempt (a redelivery of
  // `opened` is caught by winsRace below); a reopened or updated one may have both.
  if (pr.action !== "opened") {
    if (await findOwnCheckRun(scope, pr.repo, pr.headSha, task.id, attempt))
      return skipped(`attempt ${attempt} at ${pr.headSha.slice(0, 7)} is already queued`);
    const key = { task_id: task.id, agent: pr.author, attempt };
    if (await readAttempt(scope.github, scope.ledger, key))
      return skipped(`attempt ${attempt} is already graded`);
  }

  const view = baseView(scope, task, pr, attempt);
  const refusal = await refusalOf(scope, task, pr, attempt, view);
  if (refusal) {
    await createCheckRun(scope, pr.repo, pr.headSha, task.id, attempt, {
      status: "completed",
      conclusion: "failure",
      title: `not graded: ${refusal}`,
      summary: `Attempt ${attempt} of ${pr.author} is not graded: ${refusal}. Nothing is paid.`,
    });
    await comment(scope, pr, { ...view, state: "refused", why: refusal });
    if (refusal.startsWith("opened after the deadline")) await labelLate(scope, pr.repo, pr.number);
    return { action: "refused", attempt, why: refusal };
  }

  const queued = await createCheckRun(scope, pr.repo, pr.headSha, task.id, attempt, {
    status: "queued",
    title: `queued: attempt ${attempt} at ${task.id}`,
    summary: "The hidden tests will grade this commit in Lancer's grader repository.",
  });
  if (!(await winsRace(scope, pr.repo, pr.headSha, task.id, attempt, queued)))
    return skipped(`another delivery queued attempt ${attempt} at the same moment`);
  // The comment first: its id and the check run's go to the grader, so that neither the
  // Action nor the app has to look them up again (the payout edits this same comment).
  const commentId = await comment(scope, pr, { ...view, state: "grading" });
  await dispatchGrading(scope, {
    repo: pr.repo,
    pullRequest: pr.number,
    sha: pr.headSha,
    taskId: task.id,
    attempt,
    agent: pr.author,
    checkRunId: queued.id,
    commentId,
  });
  return { action: "dispatched", attempt };
}

function skipped(why: string): SubmitOutcome {
  return { action: "skipped", why };
}

/** An agent's attempts on a mirror are its pull requests there, numbered in order of opening. */
export async function attemptOfPull(
  scope: ArenaScope,
  pr: Pick<PullRequestFacts, "owner" | "repo" | "number" | "author">,
): Promise<number> {
  const pulls = await listAll<{ number: number; user: { login: string } | null }>(
    scope.github,
    "GET /repos/{owner}/{repo}/pulls",
    { owner: pr.owner, repo: pr.repo, state: "all", sort: "created", direction: "asc" },
  );
  const mine = pulls
    .filter((p) => p.user?.login === pr.author)
    .map((p) => p.number)
    .sort((a, b) => a - b);
  const index = mine.indexOf(pr.number);
  return index === -1 ? mine.length + 1 : index + 1;
}

function baseView(
  scope: ArenaScope,
  task: TaskFile,
  pr: PullRequestFacts,
  attempt: number,
): AttemptView {
  return {
    taskId: task.id,
    kind: task.kind,
    priceCents: task.price_cents,
    agent: pr.author,
    attempt,
    maxAttempts: maxAttemptsOf(scope, task),
    submission: `pull request #${pr.number} at ${pr.headSha.slice(0, 7)}`,
    state: "grading",
  };
}

/** Why an attempt is not graded at all, or undefined when it may be. */
async function refusalOf(
  scope: ArenaScope,
  task: TaskFile,
  pr: PullRequestFacts,
  attempt: number,
  view: AttemptView,
): Promise<string | undefined> {
  if (attempt > view.maxAttempts)
    return `attempt ${attempt} exceeds the ${view.maxAttempts} allowed`;
  const deadline = await taskDeadline(scope, task, pr.repo);
  if (deadline) {
    view.deadline = deadline.toISOString();
    // Opened: when GitHub made the pull request, or when the app's clock saw it, if later.
    const opened = Math.max(Date.parse(pr.createdAt), scope.now().getTime());
    if (opened > deadline.getTime()) return `opened after the deadline ${view.deadline}`;
  }
  const protectedPaths = [...scope.config.protected_paths, ...task.hidden.protected];
  if (protectedPaths.length > 0) {
    const isProtected = picomatch(protectedPaths, { dot: true });
    const files = await listAll<{ filename: string; previous_filename?: string }>(
      scope.github,
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
      { owner: pr.owner, repo: pr.repo, pull_number: pr.number },
    );
    const touched = files.find(
      (f) => isProtected(f.filename) || (f.previous_filename && isProtected(f.previous_filename)),
    );
    if (touched) return `it changes ${touched.filename}, which a candidate must not change`;
  }
  return undefined;
}

/** Posts (or edits) the attempt's comment on the pull request; returns its id. */
async function comment(
  scope: ArenaScope,
  pr: PullRequestFacts,
  view: AttemptView,
): Promise<number> {
  // On a pull request just opened (and past the check run race above) no comment of ours
  // can exist yet: post without looking.
  if (pr.action === "opened") {
    const { data } = await scope.github.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        owner: pr.owner,
        repo: pr.repo,
        issue_number: pr.number,
        body: renderAttemptComment(view),
      },
    );
    return Number(data.id);
  }
  return upsertMarkedComment(
    scope.github,
    {
      owner: pr.owner,
      repo: pr.repo,
      issueNumber: pr.number,
      marker: attemptMarker(view.taskId, view.agent, view.attempt),
      author: scope.app.botLogin,
    },
    renderAttemptComment(view),
  );
}
