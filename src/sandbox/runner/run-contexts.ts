import type { Sandbox } from "../sandbox.ts";
import type { Principal, Repo, WorkflowRun } from "../state/model.ts";
import { tokenString, type ExpressionScope } from "./expressions.ts";
import type { LoadedWorkflow } from "./load-workflows.ts";
import type { RunOrigin } from "./run-registry.ts";

/** The user a principal acts as: a user, or the app's bot for app, installation and workflow tokens. */
export function actorOf(sandbox: Sandbox, principal: Principal): number {
  const { store } = sandbox;
  if (principal.kind === "user") return principal.userId;
  if (principal.kind === "workflow") return principal.botUserId;
  const appId =
    principal.kind === "app"
      ? principal.appId
      : principal.kind === "installation"
        ? store.installations.get(principal.installationId)?.appId
        : undefined;
  const app =
    (appId !== undefined ? store.apps.get(appId) : undefined) ?? [...store.apps.values()][0];
  return app!.botUserId;
}

/** The branch (or tag) name of a full ref; null for other refs. */
export function branchOf(ref: string): string | null {
  const match = /^refs\/(?:heads|tags)\/(.+)$/.exec(ref);
  return match?.[1] ?? null;
}

type PullPayload = {
  title?: string;
  head?: { ref?: string; sha?: string };
  base?: { ref?: string };
};

/** The `pull_request` of a run's event payload, when it has one. */
export function pullOf(origin: RunOrigin): PullPayload | undefined {
  const pull = origin.payload.pull_request;
  return typeof pull === "object" && pull !== null ? pull : undefined;
}

/** The `github` context of a run attempt (jobs add `job`, `token`, `workspace`, …). */
export function githubContext(sandbox: Sandbox, repo: Repo, run: WorkflowRun, origin: RunOrigin) {
  const { store } = sandbox;
  const owner = store.ownerLogin(repo);
  const actor = store.users.get(run.actorId);
  const triggering = store.users.get(run.triggeringActorId ?? run.actorId);
  const pull = pullOf(origin);
  const ref = origin.ref;
  const refName = ref.replace(/^refs\/(heads|tags|pull)\//, "");
  const wf = store.workflows.get(run.workflowId)!;
  return {
    action: "",
    action_path: "",
    action_ref: "",
    action_repository: "",
    action_status: "",
    actor: actor?.login ?? "",
    actor_id: String(run.actorId),
    api_url: sandbox.apiUrl,
    base_ref: origin.event.startsWith("pull_request") ? (pull?.base?.ref ?? "") : "",
    event: origin.payload,
    event_name: origin.event,
    graphql_url: `${sandbox.url}/api/graphql`,
    head_ref: origin.event.startsWith("pull_request") ? (pull?.head?.ref ?? "") : "",
    ref,
    ref_name: refName,
    ref_protected: "false",
    ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch",
    repository: `${owner}/${repo.name}`,
    repository_id: String(repo.id),
    repository_owner: owner,
    repository_owner_id: String(repo.ownerId),
    repositoryUrl: `${sandbox.url.replace(/^http/, "git")}/${owner}/${repo.name}.git`,
    retention_days: "90",
    run_attempt: String(run.runAttempt),
    run_id: String(run.id),
    run_number: String(run.runNumber),
    secret_source: "Actions",
    server_url: sandbox.url,
    sha: origin.sha,
    triggering_actor: triggering?.login ?? "",
    workflow: run.name,
    workflow_ref: `${owner}/${repo.name}/${wf.path}@${ref}`,
    workflow_sha: origin.sha,
  };
}

/** The `inputs` context: dispatch inputs with their declared types (booleans stay booleans). */
export function inputsContext(origin: RunOrigin): Record<string, unknown> {
  return origin.event === "workflow_dispatch" ? { ...origin.inputs } : {};
}

/** A run's title: `run-name`, else the PR title, the head commit's subject or the workflow name. */
export function displayTitle(
  sandbox: Sandbox,
  repo: Repo,
  run: WorkflowRun,
  loaded: LoadedWorkflow,
  origin: RunOrigin,
): string {
  const runName = loaded.root?.find("run-name");
  if (runName !== undefined) {
    try {
      const scope: ExpressionScope = {
        contexts: {
          github: githubContext(sandbox, repo, run, origin),
          inputs: inputsContext(origin),
        },
      };
      const title = tokenString(runName, scope);
      if (title !== "") return title;
    } catch {
      // GitHub falls back to the default title when run-name cannot be evaluated.
    }
  }
  if (origin.event.startsWith("pull_request")) return pullOf(origin)?.title ?? loaded.name;
  if (origin.event === "push" && run.headCommit) return run.headCommit.message.split("\n")[0]!;
  return loaded.name;
}
