import type { Sandbox } from "../sandbox.ts";
import type {
  CheckAnnotation,
  CheckConclusion,
  CheckImage,
  CheckRun,
  CheckRunAction,
  Repo,
} from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { findOrCreateCheckSuite, refreshCheckSuite } from "./check-suites.ts";
import { emitCheckRunEvent, emitCheckSuiteEvent } from "./check-webhooks.ts";
import { readCommit, type CommitInfo } from "./commit-info.ts";

/** The output of a check run as callers give it; annotations and images are appended. */
export interface CheckRunOutputInput {
  title?: string | null;
  summary?: string | null;
  text?: string | null;
  annotations?: CheckAnnotation[];
  images?: CheckImage[];
}

/** What a check run may be created with (the REST body, already validated, in model terms). */
export interface NewCheckRun {
  name: string;
  /** Full sha of a commit of the repository. */
  headSha: string;
  /** The app that owns the run (and its suite). */
  appId: number;
  /** `head_branch` for the suite if this run creates it (see findOrCreateCheckSuite). */
  headBranch?: string | null;
  /** Default `queued`; `completed` when a conclusion is given. */
  status?: CheckRun["status"];
  conclusion?: CheckConclusion | null;
  /** Default: now. */
  startedAt?: string | null;
  /** Default: now when the run is created completed. */
  completedAt?: string | null;
  externalId?: string | null;
  /** Default: the app's homepage, as on GitHub. */
  detailsUrl?: string | null;
  output?: CheckRunOutputInput;
  actions?: CheckRunAction[];
}

/** Changes to a check run (the PATCH body, already validated, in model terms). */
export interface CheckRunChanges {
  name?: string;
  status?: CheckRun["status"];
  /** A conclusion completes the run. */
  conclusion?: CheckConclusion;
  startedAt?: string | null;
  completedAt?: string | null;
  externalId?: string | null;
  detailsUrl?: string | null;
  output?: CheckRunOutputInput;
  actions?: CheckRunAction[];
}

async function headCommitOf(repo: Repo, sha: string): Promise<CommitInfo> {
  const commit = await readCommit(repo.gitDir, sha);
  if (!commit) throw new Error(`no commit ${sha} in ${repo.gitDir}`);
  return commit;
}

/** Recomputes the run's suite and sends `check_suite.completed` when this completed it. */
function settleSuite(
  sandbox: Sandbox,
  repo: Repo,
  run: CheckRun,
  headCommit: CommitInfo,
  senderId: number,
): void {
  const suite = sandbox.store.checkSuites.get(run.checkSuiteId);
  if (suite && refreshCheckSuite(sandbox, suite))
    emitCheckSuiteEvent(sandbox, repo, suite, headCommit, "completed", senderId);
}

/**
 * Creates a check run in the suite of (repo, head sha, app), creating the suite if needed, and
 * sends the webhooks: `check_run.created`; `check_run.completed` too when the run is created
 * completed; `check_suite.completed` when the run completes its suite. Trusts its input (the
 * REST route validates it); throws when the repository holds no commit `headSha`.
 */
export async function createCheckRun(
  sandbox: Sandbox,
  repo: Repo,
  input: NewCheckRun,
  senderId: number,
): Promise<CheckRun> {
  const headSha = input.headSha.toLowerCase();
  const headCommit = await headCommitOf(repo, headSha);
  const { suite } = await findOrCreateCheckSuite(
    sandbox,
    repo,
    headSha,
    input.appId,
    input.headBranch === undefined ? {} : { headBranch: input.headBranch },
  );
  const app = sandbox.store.apps.get(input.appId);
  const now = timestamp();
  const conclusion = input.conclusion ?? null;
  const status = conclusion ? "completed" : (input.status ?? "queued");
  const run: CheckRun = {
    id: sandbox.store.nextId(),
    repoId: repo.id,
    checkSuiteId: suite.id,
    appId: input.appId,
    name: input.name,
    headSha,
    externalId: input.externalId ?? null,
    detailsUrl: input.detailsUrl ?? (app ? `${sandbox.url}/apps/${app.slug}` : null),
    status,
    conclusion: status === "completed" ? conclusion : null,
    startedAt: input.startedAt ?? now,
    completedAt: status === "completed" ? (input.completedAt ?? now) : null,
    output: {
      title: input.output?.title ?? null,
      summary: input.output?.summary ?? null,
      text: input.output?.text ?? null,
      annotations: [...(input.output?.annotations ?? [])],
      images: [...(input.output?.images ?? [])],
    },
    actions: [...(input.actions ?? [])],
  };
  sandbox.store.checkRuns.set(run.id, run);
  emitCheckRunEvent(sandbox, repo, run, "created", senderId);
  if (run.status === "completed") emitCheckRunEvent(sandbox, repo, run, "completed", senderId);
  settleSuite(sandbox, repo, run, headCommit, senderId);
  return run;
}

/**
 * Applies changes to a check run and sends `check_run.completed` when they complete it and
 * `check_suite.completed` when that completes its suite. A conclusion completes the run
 * (`completed_at` now unless given); a status other than completed clears the conclusion.
 * Annotations and images are appended to those the run has. Trusts its input: a run can only
 * be marked completed with a conclusion (given or already held).
 */
export async function updateCheckRun(
  sandbox: Sandbox,
  repo: Repo,
  run: CheckRun,
  changes: CheckRunChanges,
  senderId: number,
): Promise<CheckRun> {
  const headCommit = await headCommitOf(repo, run.headSha);
  const wasCompleted = run.status === "completed";
  const now = timestamp();
  if (changes.name !== undefined) run.name = changes.name;
  if (changes.externalId !== undefined) run.externalId = changes.externalId;
  if (changes.detailsUrl !== undefined) run.detailsUrl = changes.detailsUrl;
  if (changes.startedAt !== undefined) run.startedAt = changes.startedAt;
  if (changes.conclusion !== undefined) {
    run.status = "completed";
    run.conclusion = changes.conclusion;
    run.completedAt = changes.completedAt ?? (wasCompleted ? run.completedAt : null) ?? now;
  } else if (changes.status !== undefined && changes.status !== "completed") {
    run.status = changes.status;
    run.conclusion = null;
    run.completedAt = null;
  } else if (changes.status === "completed" || changes.completedAt !== undefined) {
    if (!run.conclusion)
      throw new Error(`check run ${run.id} cannot complete without a conclusion`);
    run.status = "completed";
    run.completedAt = changes.completedAt ?? run.completedAt ?? now;
  }
  const output = changes.output;
  if (output) {
    if (output.title !== undefined) run.output.title = output.title;
    if (output.summary !== undefined) run.output.summary = output.summary;
    if (output.text !== undefined) run.output.text = output.text;
    run.output.annotations.push(...(output.annotations ?? []));
    run.output.images = [...(run.output.images ?? []), ...(output.images ?? [])];
  }
  if (changes.actions !== undefined) run.actions = [...changes.actions];
  if (!wasCompleted && run.status === "completed")
    emitCheckRunEvent(sandbox, repo, run, "completed", senderId);
  settleSuite(sandbox, repo, run, headCommit, senderId);
  return run;
}
