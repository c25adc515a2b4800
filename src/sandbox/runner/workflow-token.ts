import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { issueToken, newToken } from "../auth/tokens.ts";
import type { PermissionSet, Repo } from "../state/model.ts";
import type { Store } from "../state/store.ts";
import { isMappingToken, isStringToken } from "./expressions.ts";

/** Workflow permission scopes and the app permission each one grants. */
const SCOPES: Record<string, string> = {
  actions: "actions",
  attestations: "attestations",
  checks: "checks",
  contents: "contents",
  deployments: "deployments",
  discussions: "discussions",
  issues: "issues",
  packages: "packages",
  pages: "pages",
  "pull-requests": "pull_requests",
  "repository-projects": "repository_projects",
  "security-events": "security_events",
  statuses: "statuses",
  models: "models",
};

/** GitHub's restricted default for GITHUB_TOKEN when a workflow sets no `permissions:`. */
export const DEFAULT_PERMISSIONS: PermissionSet = { contents: "read", metadata: "read" };

/**
 * The permissions of a job's GITHUB_TOKEN: the job's `permissions:` if it has one, else the
 * workflow's, else the restricted default. `read-all`/`write-all` grant every scope;
 * a map grants the scopes it names (`none` grants nothing); metadata is always readable.
 * Throws on a value GitHub would not accept.
 */
export function tokenPermissions(
  jobPermissions: TemplateToken | undefined,
  workflowPermissions: TemplateToken | undefined,
): PermissionSet {
  const token = jobPermissions ?? workflowPermissions;
  if (token === undefined) return { ...DEFAULT_PERMISSIONS };
  if (isStringToken(token)) {
    if (token.value === "read-all" || token.value === "write-all") {
      const level = token.value === "read-all" ? "read" : "write";
      const all: PermissionSet = { metadata: "read" };
      for (const permission of Object.values(SCOPES)) all[permission] = level;
      return all;
    }
    throw new Error(`permissions: ${token.value} is not read-all, write-all or a map`);
  }
  if (!isMappingToken(token)) throw new Error("permissions must be read-all, write-all or a map");
  const granted: PermissionSet = { metadata: "read" };
  for (const pair of token) {
    const scope = pair.key.toString();
    const level = isStringToken(pair.value) ? pair.value.value : "";
    if (scope === "id-token") {
      if (level === "write")
        throw new Error("permissions.id-token: OIDC tokens are not supported by the sandbox");
      continue;
    }
    const permission = SCOPES[scope];
    if (!permission) throw new Error(`permissions.${scope} is not a permission scope`);
    if (level === "read" || level === "write") granted[permission] = level;
    else if (level !== "none")
      throw new Error(`permissions.${scope}: ${level} is not read, write or none`);
  }
  return granted;
}

/**
 * Mints a job's GITHUB_TOKEN: a `workflow` principal for the one repository, acting as the
 * app's bot, valid an hour (the runner revokes it when the job ends).
 */
export function mintWorkflowToken(store: Store, repo: Repo, permissions: PermissionSet): string {
  const app = [...store.apps.values()][0];
  if (!app) throw new Error("the sandbox has no app whose bot could own a workflow token");
  const token = newToken("ghs_");
  issueToken(
    store,
    { kind: "workflow", token, repoId: repo.id, permissions, botUserId: app.botUserId },
    3600,
  );
  return token;
}

/** Revokes a workflow token (when its job ends, as GitHub does). */
export function revokeWorkflowToken(store: Store, token: string): void {
  store.tokens.delete(token);
}
