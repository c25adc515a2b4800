import { git, gitOutput } from "../../core/git/git.ts";

/** Git plumbing on a bare repository: read and write trees without any work tree. */

export interface TreeEntry {
  mode: string;
  type: string;
  sha: string;
  name: string;
}

/** The entries of one tree (not recursive). */
export async function readTree(gitDir: string, tree: string): Promise<TreeEntry[]> {
  const { stdout } = await git(["ls-tree", "-z", tree], { cwd: gitDir });
  return stdout
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf("\t");
      const [mode, type, sha] = line.slice(0, tab).split(" ") as [string, string, string];
      return { mode, type, sha, name: line.slice(tab + 1) };
    });
}

/** Writes a tree of these entries (in any order) and returns its id. */
export function writeTree(gitDir: string, entries: readonly TreeEntry[]): Promise<string> {
  const input = entries.map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.name}\0`).join("");
  return gitOutput(["mktree", "-z"], { cwd: gitDir, input });
}

/** Stores a file's content and returns the blob's id. */
export function writeBlob(gitDir: string, content: string | Buffer): Promise<string> {
  return gitOutput(["hash-object", "-w", "--stdin"], { cwd: gitDir, input: content });
}

/** The tree of a commit. */
export function treeOf(gitDir: string, commit: string): Promise<string> {
  return gitOutput(["rev-parse", `${commit}^{tree}`], { cwd: gitDir });
}

/** The id of the entry at a slash-separated path of a tree, or undefined. */
export async function entryAt(
  gitDir: string,
  tree: string,
  path: string,
): Promise<TreeEntry | undefined> {
  let entries = await readTree(gitDir, tree);
  const segments = path.split("/");
  for (const [i, name] of segments.entries()) {
    const entry = entries.find((e) => e.name === name);
    if (!entry || i === segments.length - 1) return entry;
    if (entry.type !== "tree") return undefined;
    entries = await readTree(gitDir, entry.sha);
  }
  return undefined;
}

/**
 * A copy of `tree` (undefined: the empty tree) with the entry at `path` replaced by `entry`,
 * or removed when `entry` is null. Folders left empty by a removal are removed too. Returns
 * undefined when the result is empty.
 */
export async function putPath(
  gitDir: string,
  tree: string | undefined,
  path: string,
  entry: Omit<TreeEntry, "name"> | null,
): Promise<string | undefined> {
  const [name, ...rest] = path.split("/") as [string, ...string[]];
  const entries = tree ? await readTree(gitDir, tree) : [];
  const current = entries.find((e) => e.name === name);
  let replacement: TreeEntry | undefined;
  if (rest.length === 0) {
    replacement = entry ? { ...entry, name } : undefined;
  } else {
    const child = await putPath(
      gitDir,
      current?.type === "tree" ? current.sha : undefined,
      rest.join("/"),
      entry,
    );
    replacement = child ? { mode: "040000", type: "tree", sha: child, name } : undefined;
  }
  const kept = entries.filter((e) => e.name !== name);
  const next = replacement ? [...kept, replacement] : kept;
  return next.length === 0 ? undefined : writeTree(gitDir, next);
}

/** Git's empty tree, written so that it exists in the repository. */
export function emptyTree(gitDir: string): Promise<string> {
  return writeTree(gitDir, []);
}
