import type { CommitInfo } from "../contents/commit-read.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo } from "../state/model.ts";
import { fullCommit } from "./commit.ts";
import { encodePath } from "./content.ts";

function api(sandbox: Sandbox, repo: Repo): string {
  return `${sandbox.apiUrl}/repos/${sandbox.store.ownerLogin(repo)}/${repo.name}`;
}

/** GitHub's `short-branch` (the sandbox has no branch protection). */
export function shortBranch(
  sandbox: Sandbox,
  repo: Repo,
  name: string,
  sha: string,
): Record<string, unknown> {
  const root = api(sandbox, repo);
  return {
    name,
    commit: { sha, url: `${root}/commits/${sha}` },
    protected: false,
    protection_url: `${root}/branches/${encodePath(name)}/protection`,
  };
}

/** GitHub's `branch-with-protection` for an unprotected branch. */
export function branchWithProtection(
  sandbox: Sandbox,
  repo: Repo,
  name: string,
  head: CommitInfo,
): Record<string, unknown> {
  const root = api(sandbox, repo);
  const full = `${sandbox.store.ownerLogin(repo)}/${repo.name}`;
  return {
    name,
    commit: fullCommit(sandbox, repo, head),
    _links: {
      self: `${root}/branches/${encodePath(name)}`,
      html: `${sandbox.url}/${full}/tree/${encodePath(name)}`,
    },
    protected: false,
    protection: {
      enabled: false,
      required_status_checks: { enforcement_level: "off", contexts: [], checks: [] },
    },
    protection_url: `${root}/branches/${encodePath(name)}/protection`,
  };
}
