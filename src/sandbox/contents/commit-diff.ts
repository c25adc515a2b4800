import { repoGit } from "./repo-git.ts";

/** Git's well-known empty tree: the base a root commit is compared with. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
/** GitHub lists at most 300 files of a commit on one page. */
const MAX_FILES = 300;
const MAX_PATCH_CHARS = 1_000_000;

/** One changed file of a commit, against its first parent. */
export interface FileDiff {
  path: string;
  status: "added" | "removed" | "modified" | "changed";
  /** The blob after the change (before it, for a removed file). */
  sha: string;
  additions: number;
  deletions: number;
  /** The hunks (from the first `@@`), absent for binary or very large changes. */
  patch?: string;
}

const STATUS: Record<string, FileDiff["status"]> = {
  A: "added",
  D: "removed",
  M: "modified",
  T: "changed",
};

/** The files a commit changed against its first parent (the empty tree for a root commit). */
export async function commitFiles(
  gitDir: string,
  sha: string,
  parent: string | undefined,
): Promise<FileDiff[]> {
  const base = parent ?? EMPTY_TREE;
  const common = ["diff-tree", "-r", "--no-renames", "--no-commit-id", "--no-color"];
  const [raw, numstat, patch] = await Promise.all([
    repoGit(gitDir, [...common, "-z", "--raw", base, sha]),
    repoGit(gitDir, [...common, "-z", "--numstat", base, sha]),
    repoGit(gitDir, [...common, "-p", base, sha]),
  ]);
  const rawParts = raw.stdout.split("\0");
  const files: FileDiff[] = [];
  for (let i = 0; i + 1 < rawParts.length; i += 2) {
    const [, , oldSha, newSha, letter] = rawParts[i]!.replace(/^:/, "").split(" ");
    const status = STATUS[letter?.[0] ?? "M"] ?? "modified";
    files.push({
      path: rawParts[i + 1]!,
      status,
      sha: status === "removed" ? oldSha! : newSha!,
      additions: 0,
      deletions: 0,
    });
  }
  const counts = numstat.stdout.split("\0").filter((s) => s.includes("\t"));
  counts.forEach((line, index) => {
    const [added, deleted] = line.split("\t");
    const file = files[index];
    if (!file) return;
    file.additions = added === "-" ? 0 : Number(added);
    file.deletions = deleted === "-" ? 0 : Number(deleted);
  });
  const chunks = patch.stdout.split(/^diff --git /m).slice(1);
  chunks.forEach((chunk, index) => {
    const file = files[index];
    const start = chunk.search(/^@@/m);
    if (!file || start < 0 || chunk.length > MAX_PATCH_CHARS) return;
    file.patch = chunk.slice(start).replace(/\n$/, "");
  });
  return files.slice(0, MAX_FILES);
}
