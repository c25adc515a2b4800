import { CHECK_NAME, checkExternalId } from "../report-check-run.ts";
import type { ArenaScope } from "./scope.ts";

export interface OwnCheckRun {
  id: number;
  status: string;
  conclusion: string | null;
  html_url: string | null;
  external_id: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  app: { id: number } | null;
}

/**
 * The `Lancer` check run of an attempt on a commit, made by this app (a check run by anyone
 * else, whatever its name, is not evidence). The oldest one wins when a race made two.
 * `knownId` (from the grading run's name) is read directly, and used only when it is this
 * app's check run of this attempt on this commit; otherwise the commit's runs are searched.
 */
export async function findOwnCheckRun(
  scope: ArenaScope,
  repo: string,
  sha: string,
  taskId: string,
  attempt: number,
  knownId?: number,
): Promise<OwnCheckRun | undefined> {
  if (knownId !== undefined) {
    const { data } = await scope.github.request(
      "GET /repos/{owner}/{repo}/check-runs/{check_run_id}",
      { owner: scope.org, repo, check_run_id: knownId },
    );
    const run = data as OwnCheckRun & { head_sha: string };
    if (
      run.app?.id === scope.app.id &&
      run.external_id === checkExternalId(taskId, attempt) &&
      run.head_sha === sha
    )
      return run;
  }
  const { data } = await scope.github.request(
    "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
    { owner: scope.org, repo, ref: sha, check_name: CHECK_NAME, filter: "all", per_page: 100 },
  );
  const externalId = checkExternalId(taskId, attempt);
  return (data.check_runs as OwnCheckRun[])
    .filter((run) => run.app?.id === scope.app.id && run.external_id === externalId)
    .sort((a, b) => a.id - b.id)[0];
}

/** Creates the attempt's check run (queued, or completed when the attempt is refused). */
export async function createCheckRun(
  scope: ArenaScope,
  repo: string,
  sha: string,
  taskId: string,
  attempt: number,
  state:
    | { status: "queued"; title: string; summary: string }
    | { status: "completed"; conclusion: "failure" | "neutral"; title: string; summary: string },
): Promise<OwnCheckRun> {
  const { data } = await scope.github.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: scope.org,
    repo,
    name: CHECK_NAME,
    head_sha: sha,
    external_id: checkExternalId(taskId, attempt),
    status: state.status,
    ...(state.status === "completed"
      ? { conclusion: state.conclusion, completed_at: new Date().toISOString() }
      : {}),
    output: { title: state.title, summary: state.summary },
  });
  return data as OwnCheckRun;
}

/**
 * Two deliveries of one event handled at once (two instances) each create a check run; the
 * oldest wins. True when `mine` is the oldest; otherwise `mine` steps aside: it is completed
 * as skipped under another external id, so that neither the Action nor the app ever reads it.
 */
export async function winsRace(
  scope: ArenaScope,
  repo: string,
  sha: string,
  taskId: string,
  attempt: number,
  mine: OwnCheckRun,
): Promise<boolean> {
  const oldest = await findOwnCheckRun(scope, repo, sha, taskId, attempt);
  if (!oldest || oldest.id === mine.id) return true;
  await scope.github.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
    owner: scope.org,
    repo,
    check_run_id: mine.id,
    external_id: `${checkExternalId(taskId, attempt)}:duplicate`,
    status: "completed",
    conclusion: "skipped",
    completed_at: new Date().toISOString(),
    output: { title: "duplicate", summary: `Check run ${oldest.id} grades this attempt.` },
  });
  return false;
}
