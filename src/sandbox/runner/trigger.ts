import type { EventsConfig } from "@actions/workflow-parser/model/workflow-template";
import { git } from "../../core/git/git.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Principal, Repo, WorkflowRun } from "../state/model.ts";
import { pathsPass, selectedBy } from "./filter-patterns.ts";
import { listWorkflowFiles, loadWorkflow, type LoadedWorkflow } from "./load-workflows.ts";
import { trackRun } from "./run-registry.ts";
import { startWorkflowRun } from "./run-workflow.ts";

/** What started a workflow: the event name, the commit and ref, and the event payload. */
export interface WorkflowTrigger {
  event: "push" | "pull_request" | "pull_request_target" | "workflow_dispatch";
  /**
   * Full ref (`refs/heads/main`); for pull_request the PR merge ref, for pull_request_target
   * the base branch (the workflow comes from there, not from the pull request).
   */
  ref: string;
  sha: string;
  /** The `github.event` payload the workflow sees. */
  payload: Record<string, unknown>;
  actor: Principal;
  /** workflow_dispatch: the inputs, already checked against the workflow (see dispatch.ts). */
  inputs?: Record<string, string | boolean>;
  /** workflow_dispatch: the one workflow file to run (`.github/workflows/x.yml`). */
  workflowPath?: string;
}

const ZERO = /^0+$/;

/** A payload value that should be text, or "" when it is not. */
function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}
const DEFAULT_PULL_TYPES = ["opened", "synchronize", "reopened"];

/**
 * Starts every workflow of the repository (at `trigger.sha`) whose `on:` matches the trigger.
 * Returns at once; runs go on in the background. A workflow file that cannot be parsed gets a
 * failed run on `push`, as on GitHub. Events caused by a GITHUB_TOKEN start nothing (but
 * `workflow_dispatch`), as on GitHub. Wait for runs with `runsIdle(sandbox)`.
 */
export async function triggerWorkflows(
  sandbox: Sandbox,
  repo: Repo,
  trigger: WorkflowTrigger,
): Promise<void> {
  await startTriggeredRuns(sandbox, repo, trigger);
}

/** Like triggerWorkflows, answering the runs it started (queued, running in the background). */
export function startTriggeredRuns(
  sandbox: Sandbox,
  repo: Repo,
  trigger: WorkflowTrigger,
): Promise<WorkflowRun[]> {
  return trackRun(sandbox, startMatching(sandbox, repo, trigger));
}

async function startMatching(
  sandbox: Sandbox,
  repo: Repo,
  trigger: WorkflowTrigger,
): Promise<WorkflowRun[]> {
  const runs: WorkflowRun[] = [];
  // As on GitHub, what a workflow's GITHUB_TOKEN does starts no workflow (but a dispatch),
  // so that workflows cannot trigger each other without end.
  if (trigger.actor.kind === "workflow" && trigger.event !== "workflow_dispatch") return runs;
  const paths = trigger.workflowPath
    ? [trigger.workflowPath]
    : await listWorkflowFiles(repo.gitDir, trigger.sha);
  let changed: Promise<string[] | undefined> | undefined;
  const changedFiles = () => (changed ??= changedFilesOf(repo, trigger));
  for (const path of paths) {
    const loaded = await loadWorkflow(repo.gitDir, trigger.sha, path);
    if (!loaded) continue;
    if (!(await matches(loaded, trigger, changedFiles))) continue;
    const run = await startWorkflowRun(sandbox, repo, loaded, {
      workflowPath: path,
      event: trigger.event,
      ref: trigger.ref,
      sha: trigger.sha,
      payload: trigger.payload,
      actor: trigger.actor,
      inputs: trigger.inputs ?? {},
    });
    runs.push(run);
  }
  return runs;
}

async function matches(
  loaded: LoadedWorkflow,
  trigger: WorkflowTrigger,
  changedFiles: () => Promise<string[] | undefined>,
): Promise<boolean> {
  const events: EventsConfig | undefined = loaded.template?.events;
  if (!events) return trigger.event === "push" && loaded.errors.length > 0;
  switch (trigger.event) {
    case "push": {
      const filter = events.push;
      if (!filter) return false;
      if (!refPasses(filter, trigger.ref)) return false;
      return pathsPass(filter, filter.paths || filter["paths-ignore"] ? await changedFiles() : []);
    }
    case "pull_request":
    case "pull_request_target": {
      const filter = events[trigger.event];
      if (!filter) return false;
      const action = text(trigger.payload.action);
      if (!(filter.types ?? DEFAULT_PULL_TYPES).includes(action)) return false;
      const base = pullField(trigger, "base", "ref");
      if (filter.branches && !selectedBy(filter.branches, base)) return false;
      if (filter["branches-ignore"] && selectedBy(filter["branches-ignore"], base)) return false;
      return pathsPass(filter, filter.paths || filter["paths-ignore"] ? await changedFiles() : []);
    }
    case "workflow_dispatch":
      return events.workflow_dispatch !== undefined && trigger.workflowPath === loaded.path;
  }
}

/** `branches`/`branches-ignore` for branch pushes, `tags`/`tags-ignore` for tag pushes. */
function refPasses(filter: NonNullable<EventsConfig["push"]>, ref: string): boolean {
  const branch = /^refs\/heads\/(.+)$/.exec(ref)?.[1];
  const tag = /^refs\/tags\/(.+)$/.exec(ref)?.[1];
  const branchFilters = filter.branches !== undefined || filter["branches-ignore"] !== undefined;
  const tagFilters = filter.tags !== undefined || filter["tags-ignore"] !== undefined;
  if (branch !== undefined) {
    if (filter.branches) return selectedBy(filter.branches, branch);
    if (filter["branches-ignore"]) return !selectedBy(filter["branches-ignore"], branch);
    return !tagFilters;
  }
  if (tag !== undefined) {
    if (filter.tags) return selectedBy(filter.tags, tag);
    if (filter["tags-ignore"]) return !selectedBy(filter["tags-ignore"], tag);
    return !branchFilters;
  }
  return false;
}

function pullField(trigger: WorkflowTrigger, side: "base" | "head", key: "ref" | "sha"): string {
  const pull = trigger.payload.pull_request as Record<string, Record<string, unknown>> | undefined;
  return text(pull?.[side]?.[key]);
}

/**
 * The files a push or pull request changed, for `paths` filters: a push against the commit it
 * replaced, a pull request against the merge base with its base. Undefined when there is no
 * base to compare with (a new branch), and the workflow then runs.
 */
async function changedFilesOf(repo: Repo, trigger: WorkflowTrigger): Promise<string[] | undefined> {
  let range: string[];
  if (trigger.event === "pull_request" || trigger.event === "pull_request_target") {
    const base = pullField(trigger, "base", "sha");
    const head = pullField(trigger, "head", "sha") || trigger.sha;
    if (!base) return undefined;
    range = [`${base}...${head}`];
  } else {
    const before = text(trigger.payload.before);
    if (!before || ZERO.test(before)) return undefined;
    range = [before, trigger.sha];
  }
  const diff = await git(["diff", "--name-only", "--no-renames", ...range], {
    cwd: repo.gitDir,
    allowFailure: true,
  });
  if (diff.exitCode !== 0) return undefined;
  return diff.stdout.split("\n").filter(Boolean);
}
