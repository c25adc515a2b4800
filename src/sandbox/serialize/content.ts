import { SYMLINK_MODE, type TreeEntry } from "../contents/tree.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo } from "../state/model.ts";

/** Files larger than this come without their content, as on GitHub (encoding `none`). */
const MAX_INLINE_BYTES = 1024 * 1024;

/** A repository path with each segment percent-encoded, for URLs. */
export function encodePath(path: string): string {
  return path
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

/** Base64 broken into lines of 60 characters, each ending in a newline, as GitHub sends it. */
export function base64Lines(bytes: Buffer): string {
  const text = bytes.toString("base64");
  let out = "";
  for (let i = 0; i < text.length; i += 60) out += `${text.slice(i, i + 60)}\n`;
  return out;
}

type Kind = "file" | "dir" | "symlink" | "submodule";

function kindOf(entry: TreeEntry): Kind {
  if (entry.type === "tree") return "dir";
  if (entry.type === "commit") return "submodule";
  return entry.mode === SYMLINK_MODE ? "symlink" : "file";
}

/** The fields every contents object shares: names, sizes and the urls of one entry at `ref`. */
function base(
  sandbox: Sandbox,
  repo: Repo,
  ref: string,
  entry: TreeEntry,
  kind: Kind,
): Record<string, unknown> {
  const full = `${sandbox.store.ownerLogin(repo)}/${repo.name}`;
  const path = encodePath(entry.path);
  const self = `${sandbox.apiUrl}/repos/${full}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git =
    kind === "submodule"
      ? null
      : `${sandbox.apiUrl}/repos/${full}/git/${kind === "dir" ? "trees" : "blobs"}/${entry.sha}`;
  const html =
    kind === "submodule"
      ? null
      : `${sandbox.url}/${full}/${kind === "dir" ? "tree" : "blob"}/${encodePath(ref)}/${path}`;
  return {
    name: entry.name,
    path: entry.path,
    sha: entry.sha,
    size: kind === "file" || kind === "symlink" ? entry.size : 0,
    url: self,
    html_url: html,
    git_url: git,
    download_url:
      kind === "file" || kind === "symlink"
        ? `${sandbox.url}/${full}/raw/${encodePath(ref)}/${path}`
        : null,
    type: kind,
    _links: { self, git, html },
  };
}

/**
 * One item of a directory listing. Submodules are listed as `file`, as GitHub does for
 * backwards compatibility.
 */
export function contentEntry(
  sandbox: Sandbox,
  repo: Repo,
  ref: string,
  entry: TreeEntry,
): Record<string, unknown> {
  const kind = kindOf(entry);
  return { ...base(sandbox, repo, ref, entry, kind), type: kind === "submodule" ? "file" : kind };
}

/** GitHub's `content-file`: the file's bytes in base64 (none past 1 MB). */
export function contentFile(
  sandbox: Sandbox,
  repo: Repo,
  ref: string,
  entry: TreeEntry,
  bytes: Buffer,
): Record<string, unknown> {
  const inline = bytes.length <= MAX_INLINE_BYTES;
  return {
    ...base(sandbox, repo, ref, entry, "file"),
    type: "file",
    content: inline ? base64Lines(bytes) : "",
    encoding: inline ? "base64" : "none",
  };
}

/** GitHub's `content-symlink`: a link whose target is not a file of the repository. */
export function contentSymlink(
  sandbox: Sandbox,
  repo: Repo,
  ref: string,
  entry: TreeEntry,
  target: string,
): Record<string, unknown> {
  return { ...base(sandbox, repo, ref, entry, "symlink"), target };
}

/** GitHub's `content-submodule`. */
export function contentSubmodule(
  sandbox: Sandbox,
  repo: Repo,
  ref: string,
  entry: TreeEntry,
  submoduleUrl: string,
): Record<string, unknown> {
  return { ...base(sandbox, repo, ref, entry, "submodule"), submodule_git_url: submoduleUrl };
}

/**
 * The `content` of a `file-commit`: the file as it is on the branch after the commit (its
 * `url` without `?ref=`, as GitHub answers a write).
 */
export function committedContent(
  sandbox: Sandbox,
  repo: Repo,
  branch: string,
  entry: TreeEntry,
): Record<string, unknown> {
  const content = base(sandbox, repo, branch, entry, "file");
  const self = String(content.url).replace(/\?ref=.*$/, "");
  return { ...content, url: self, _links: { ...(content._links as object), self } };
}
