import { repoGit, repoGitOutput } from "./repo-git.ts";

/** One entry of a git tree, as `git ls-tree -l` lists it. */
export interface TreeEntry {
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  /** Blob size in bytes; 0 for trees and submodules. */
  size: number;
  name: string;
  /** Path from the repository root. */
  path: string;
}

/** The mode git gives symbolic links. */
export const SYMLINK_MODE = "120000";

/**
 * Splits an API path (`dir/file.txt`, `/dir/`) into its segments; undefined when a segment
 * could never name a file in a repository (`.`, `..`, `.git`, or a NUL character).
 */
export function pathSegments(path: string): string[] | undefined {
  const segments = path.split("/").filter((s) => s !== "");
  const bad = segments.some(
    (s) => s === "." || s === ".." || s.toLowerCase() === ".git" || s.includes("\0"),
  );
  return bad ? undefined : segments;
}

/** The entries of one tree (a tree id, or `<commit>^{tree}`), in git's order. */
export async function listTree(gitDir: string, tree: string, prefix = ""): Promise<TreeEntry[]> {
  const { stdout } = await repoGit(gitDir, ["ls-tree", "-z", "-l", tree]);
  const entries: TreeEntry[] = [];
  for (const record of stdout.split("\0")) {
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, sha, size] = record.slice(0, tab).trim().split(/\s+/);
    const name = record.slice(tab + 1);
    entries.push({
      mode: mode!,
      type: type as TreeEntry["type"],
      sha: sha!,
      size: size === "-" || size === undefined ? 0 : Number(size),
      name,
      path: prefix ? `${prefix}/${name}` : name,
    });
  }
  return entries;
}

/** The id of a commit's root tree. */
export function rootTree(gitDir: string, commit: string): Promise<string> {
  return repoGitOutput(gitDir, ["rev-parse", "--verify", `${commit}^{tree}`]);
}

/**
 * Where a path leads in a commit, walking one tree at a time (so that git never parses a
 * path): the entry there (the root itself for no segments), or else the first entry on the
 * way that is not a directory (`blocker`), or neither when the path does not exist.
 */
export async function walkPath(
  gitDir: string,
  commit: string,
  segments: readonly string[],
): Promise<{ entry?: TreeEntry; blocker?: TreeEntry }> {
  let current: TreeEntry = {
    mode: "040000",
    type: "tree",
    sha: await rootTree(gitDir, commit),
    size: 0,
    name: "",
    path: "",
  };
  for (const segment of segments) {
    if (current.type !== "tree") return { blocker: current };
    const found = (await listTree(gitDir, current.sha, current.path)).find(
      (e) => e.name === segment,
    );
    if (!found) return {};
    current = found;
  }
  return { entry: current };
}

/** The entry at `segments` in a commit, or undefined when there is none. */
export async function lookupPath(
  gitDir: string,
  commit: string,
  segments: readonly string[],
): Promise<TreeEntry | undefined> {
  return (await walkPath(gitDir, commit, segments)).entry;
}
