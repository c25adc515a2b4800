import type { FileDiff } from "../contents/commit-diff.ts";
import type { CommitInfo } from "../contents/commit-read.ts";
import { noreplyEmail } from "../contents/identity.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo } from "../state/model.ts";
import { encodePath } from "./content.ts";
import { simpleUser } from "./user.ts";

/** The `node_id` of a commit: opaque and stable per repository and commit id. */
export function commitNodeId(repo: Repo, sha: string): string {
  return Buffer.from(`0:Commit${repo.id}:${sha}`).toString("base64url");
}

/** GitHub's verification block for an unsigned commit (the sandbox never signs). */
const UNSIGNED = {
  verified: false,
  reason: "unsigned",
  signature: null,
  payload: null,
  verified_at: null,
};

function urls(sandbox: Sandbox, repo: Repo) {
  const full = `${sandbox.store.ownerLogin(repo)}/${repo.name}`;
  return { full, api: `${sandbox.apiUrl}/repos/${full}`, html: `${sandbox.url}/${full}` };
}

/** The message as GitHub shows it: without git's final newline. */
function message(info: CommitInfo): string {
  return info.message.replace(/\n+$/, "");
}

/** GitHub's `git-commit` (also the `commit` of a `file-commit`). */
export function gitCommit(sandbox: Sandbox, repo: Repo, info: CommitInfo): Record<string, unknown> {
  const { api, html } = urls(sandbox, repo);
  return {
    sha: info.sha,
    node_id: commitNodeId(repo, info.sha),
    url: `${api}/git/commits/${info.sha}`,
    html_url: `${html}/commit/${info.sha}`,
    author: { ...info.author },
    committer: { ...info.committer },
    tree: { sha: info.tree, url: `${api}/git/trees/${info.tree}` },
    message: message(info),
    parents: info.parents.map((sha) => ({
      sha,
      url: `${api}/git/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
    verification: { ...UNSIGNED },
  };
}

/** The sandbox user a commit email belongs to (their email or no-reply address), as `simple-user`. */
function userByEmail(sandbox: Sandbox, email: string): Record<string, unknown> | null {
  const lower = email.toLowerCase();
  for (const user of sandbox.store.users.values()) {
    if (user.email?.toLowerCase() === lower || noreplyEmail(user).toLowerCase() === lower)
      return simpleUser(sandbox, user);
  }
  return null;
}

/** GitHub's `commit` (REST "get a commit"), with `stats` and `files` when a diff is given. */
export function fullCommit(
  sandbox: Sandbox,
  repo: Repo,
  info: CommitInfo,
  files?: readonly FileDiff[],
): Record<string, unknown> {
  const { api, html } = urls(sandbox, repo);
  const additions = files?.reduce((sum, f) => sum + f.additions, 0) ?? 0;
  const deletions = files?.reduce((sum, f) => sum + f.deletions, 0) ?? 0;
  return {
    url: `${api}/commits/${info.sha}`,
    sha: info.sha,
    node_id: commitNodeId(repo, info.sha),
    html_url: `${html}/commit/${info.sha}`,
    comments_url: `${api}/commits/${info.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${info.sha}`,
      author: { ...info.author },
      committer: { ...info.committer },
      message: message(info),
      comment_count: 0,
      tree: { sha: info.tree, url: `${api}/git/trees/${info.tree}` },
      verification: { ...UNSIGNED },
    },
    author: userByEmail(sandbox, info.author.email),
    committer: userByEmail(sandbox, info.committer.email),
    parents: info.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${html}/commit/${sha}`,
    })),
    ...(files
      ? {
          stats: { additions, deletions, total: additions + deletions },
          files: files.map((f) => ({
            sha: f.sha,
            filename: f.path,
            status: f.status,
            additions: f.additions,
            deletions: f.deletions,
            changes: f.additions + f.deletions,
            blob_url: `${html}/blob/${info.sha}/${encodePath(f.path)}`,
            raw_url: `${html}/raw/${info.sha}/${encodePath(f.path)}`,
            contents_url: `${api}/contents/${encodePath(f.path)}?ref=${info.sha}`,
            ...(f.patch === undefined ? {} : { patch: f.patch }),
          })),
        }
      : {}),
  };
}
