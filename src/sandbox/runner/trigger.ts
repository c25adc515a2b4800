import type { Sandbox } from "../sandbox.ts";
import type { Principal, Repo } from "../state/model.ts";

/** What started a workflow: the event name, the commit and ref, and the event payload. */
export interface WorkflowTrigger {
  event: "push" | "pull_request" | "workflow_dispatch";
  /** Full ref (`refs/heads/main`) or, for pull_request, the PR merge ref. */
  ref: string;
  sha: string;
  /** The `github.event` payload the workflow sees. */
  payload: Record<string, unknown>;
  actor: Principal;
  inputs?: Record<string, string>;
}

/**
 * Starts every workflow of the repository (at `trigger.sha`) whose `on:` matches the trigger.
 * Returns at once; runs go on in the background.
 */
export async function triggerWorkflows(sandbox: Sandbox, repo: Repo, trigger: WorkflowTrigger): Promise<void> {
  void sandbox;
  void repo;
  void trigger;
}
