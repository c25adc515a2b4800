import { networkSettings } from "../../core/environment/run-setup-commands.ts";
import type { Sandbox } from "../sandbox.ts";

/** `pull_requests` → `PullRequests`, as the runner lists the token's permissions. */
export function permissionLabel(name: string): string {
  return name
    .split("_")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/**
 * The variables every process of a job gets: GITHUB_*, RUNNER_*, CI, HOME, and the machine's
 * proxy and TLS-root settings, as a self-hosted runner passes on those of its `.env` file.
 */
export function jobVariables(
  sandbox: Sandbox,
  github: Record<string, unknown>,
  runner: Record<string, string>,
  home: string,
): Record<string, string> {
  const s = (key: string) => {
    const value = github[key];
    return typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value);
  };
  return {
    ...networkSettings(),
    HOME: home,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_ACTOR: s("actor"),
    GITHUB_ACTOR_ID: s("actor_id"),
    GITHUB_API_URL: sandbox.apiUrl,
    GITHUB_BASE_REF: s("base_ref"),
    GITHUB_EVENT_NAME: s("event_name"),
    GITHUB_EVENT_PATH: s("event_path"),
    GITHUB_GRAPHQL_URL: s("graphql_url"),
    GITHUB_HEAD_REF: s("head_ref"),
    GITHUB_JOB: s("job"),
    GITHUB_REF: s("ref"),
    GITHUB_REF_NAME: s("ref_name"),
    GITHUB_REF_PROTECTED: s("ref_protected"),
    GITHUB_REF_TYPE: s("ref_type"),
    GITHUB_REPOSITORY: s("repository"),
    GITHUB_REPOSITORY_ID: s("repository_id"),
    GITHUB_REPOSITORY_OWNER: s("repository_owner"),
    GITHUB_REPOSITORY_OWNER_ID: s("repository_owner_id"),
    GITHUB_RETENTION_DAYS: s("retention_days"),
    GITHUB_RUN_ATTEMPT: s("run_attempt"),
    GITHUB_RUN_ID: s("run_id"),
    GITHUB_RUN_NUMBER: s("run_number"),
    GITHUB_SERVER_URL: sandbox.url,
    GITHUB_SHA: s("sha"),
    GITHUB_TRIGGERING_ACTOR: s("triggering_actor"),
    GITHUB_WORKFLOW: s("workflow"),
    GITHUB_WORKFLOW_REF: s("workflow_ref"),
    GITHUB_WORKFLOW_SHA: s("workflow_sha"),
    GITHUB_WORKSPACE: s("workspace"),
    RUNNER_ARCH: runner.arch!,
    RUNNER_ENVIRONMENT: runner.environment!,
    RUNNER_NAME: runner.name!,
    RUNNER_OS: runner.os!,
    RUNNER_TEMP: runner.temp!,
    RUNNER_TOOL_CACHE: runner.tool_cache!,
  };
}
