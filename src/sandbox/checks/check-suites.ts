import type { Sandbox } from "../sandbox.ts";
import type { CheckRun, CheckSuite, Repo } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { branchesAt } from "./commit-info.ts";
import { rollup } from "./rollup.ts";

/** The check suite of (repository, head sha, app), if there is one. */
export function findCheckSuite(
  sandbox: Sandbox,
  repo: Repo,
  headSha: string,
  appId: number,
): CheckSuite | undefined {
  const sha = headSha.toLowerCase();
  for (const suite of sandbox.store.checkSuites.values())
    if (suite.repoId === repo.id && suite.headSha === sha && suite.appId === appId) return suite;
  return undefined;
}

/**
 * The check suite of a commit for an app, created when there is none yet: GitHub keeps one
 * suite per head sha per app and creates it with the first check run. Call it before creating
 * a check run (createCheckRun in `check-runs.ts` does), e.g. when a workflow job starts.
 *
 * @param headSha full sha of a commit that exists in `repo` (not checked here)
 * @param appId the app that owns the suite and its runs
 * @param options.headBranch the suite's `head_branch` when it is created; by default a branch
 *   whose tip is `headSha` (the default branch first), else null. An existing suite keeps its own.
 * @returns the suite and whether this call created it. Creating a suite sends no webhook.
 */
export async function findOrCreateCheckSuite(
  sandbox: Sandbox,
  repo: Repo,
  headSha: string,
  appId: number,
  options: { headBranch?: string | null } = {},
): Promise<{ suite: CheckSuite; created: boolean }> {
  const sha = headSha.toLowerCase();
  const existing = findCheckSuite(sandbox, repo, sha, appId);
  if (existing) return { suite: existing, created: false };
  const headBranch =
    options.headBranch !== undefined
      ? options.headBranch
      : ((await branchesAt(repo.gitDir, sha, repo.defaultBranch))[0] ?? null);
  // Another request may have created it while git answered.
  const raced = findCheckSuite(sandbox, repo, sha, appId);
  if (raced) return { suite: raced, created: false };
  const now = timestamp();
  const suite: CheckSuite = {
    id: sandbox.store.nextId(),
    repoId: repo.id,
    headSha: sha,
    headBranch,
    appId,
    status: "queued",
    conclusion: null,
    createdAt: now,
    updatedAt: now,
  };
  sandbox.store.checkSuites.set(suite.id, suite);
  return { suite, created: true };
}

/** Every check run of a suite, oldest first. */
export function runsOfSuite(sandbox: Sandbox, suite: CheckSuite): CheckRun[] {
  return [...sandbox.store.checkRuns.values()]
    .filter((r) => r.checkSuiteId === suite.id)
    .sort((a, b) => a.id - b.id);
}

/**
 * Brings a suite's status and conclusion in line with its latest runs (see `rollup`).
 * Returns true when this made the suite completed (it was not before): the moment to send
 * `check_suite.completed`.
 */
export function refreshCheckSuite(sandbox: Sandbox, suite: CheckSuite): boolean {
  const next = rollup(runsOfSuite(sandbox, suite));
  if (!next) return false;
  const wasCompleted = suite.status === "completed";
  if (next.status !== suite.status || next.conclusion !== suite.conclusion) {
    suite.status = next.status;
    suite.conclusion = next.conclusion;
    suite.updatedAt = timestamp();
  }
  return !wasCompleted && suite.status === "completed";
}

/** Resets a suite to queued without a conclusion, as a re-request does. */
export function resetCheckSuite(suite: CheckSuite): void {
  suite.status = "queued";
  suite.conclusion = null;
  suite.updatedAt = timestamp();
}
