import type { CommitInfo, GitIdentity } from "../pulls/git-read.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo, User } from "../state/model.ts";
import { webhookRepository } from "./webhook-shapes.ts";

/** A pushed commit with the paths it touched, as the `push` payload lists it. */
export interface PushedCommit extends CommitInfo {
  added: string[];
  removed: string[];
  modified: string[];
  /** Whether the commit is new to the repository with this push. */
  distinct: boolean;
}

/** One ref update of a push, with what git says about it. */
export interface PushFacts {
  ref: string;
  before: string;
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  commits: PushedCommit[];
  headCommit: PushedCommit | null;
  pusher: User;
}

function identity(sandbox: Sandbox, who: GitIdentity): Record<string, unknown> {
  const email = who.email.toLowerCase();
  const user = [...sandbox.store.users.values()].find((u) => u.email?.toLowerCase() === email);
  return { name: who.name, email: who.email, ...(user ? { username: user.login } : {}) };
}

function commit(sandbox: Sandbox, repo: Repo, c: PushedCommit): Record<string, unknown> {
  const name = `${sandbox.store.ownerLogin(repo)}/${repo.name}`;
  return {
    id: c.sha,
    tree_id: c.tree,
    distinct: c.distinct,
    message: c.message,
    timestamp: c.author.date,
    url: `${sandbox.url}/${name}/commit/${c.sha}`,
    author: identity(sandbox, c.author),
    committer: identity(sandbox, c.committer),
    added: c.added,
    removed: c.removed,
    modified: c.modified,
  };
}

/** Where GitHub's `compare` link of a push points. */
function compareUrl(sandbox: Sandbox, repo: Repo, facts: PushFacts): string {
  const base = `${sandbox.url}/${sandbox.store.ownerLogin(repo)}/${repo.name}/compare`;
  if (facts.created) return `${base}/${facts.ref.replace(/^refs\/(heads|tags)\//, "")}`;
  return `${base}/${facts.before.slice(0, 12)}...${facts.after.slice(0, 12)}`;
}

/**
 * The fields of a `push` event (the envelope's `sender`, `organization` and `installation`
 * come from emitRepoEvent), with the push flavour of `repository`.
 */
export function pushPayload(
  sandbox: Sandbox,
  repo: Repo,
  facts: PushFacts,
): Record<string, unknown> {
  return {
    ref: facts.ref,
    before: facts.before,
    after: facts.after,
    repository: webhookRepository(sandbox, repo, { push: true }),
    pusher: { name: facts.pusher.login, email: facts.pusher.email },
    created: facts.created,
    deleted: facts.deleted,
    forced: facts.forced,
    base_ref: null,
    compare: compareUrl(sandbox, repo, facts),
    commits: facts.commits.map((c) => commit(sandbox, repo, c)),
    head_commit: facts.headCommit ? commit(sandbox, repo, facts.headCommit) : null,
  };
}
