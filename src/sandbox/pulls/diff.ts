import { git } from "../../core/git/git.ts";
import { EMPTY_TREE } from "./git-read.ts";

/** One changed file between two commits, with what GitHub's `diff-entry` needs. */
export interface FileChange {
  filename: string;
  previousFilename?: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed";
  additions: number;
  deletions: number;
  /** Blob id after the change (before it, for a removed file). */
  blobSha: string | null;
  /** The hunks of the unified diff (from the first `@@`), absent for binary files. */
  patch?: string;
}

const STATUS: Record<string, FileChange["status"]> = {
  A: "added",
  D: "removed",
  M: "modified",
  T: "changed",
  R: "renamed",
  C: "copied",
};

const ZERO = /^0+$/;

interface RawEntry {
  status: FileChange["status"];
  path: string;
  previous?: string;
  oldBlob: string;
  newBlob: string;
}

/** Parses `git diff --raw -z --no-abbrev`: `:mode mode sha sha S\0path\0[path\0]`. */
function parseRaw(out: string): RawEntry[] {
  const tokens = out.split("\0");
  const entries: RawEntry[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const head = tokens[i]!;
    if (!head.startsWith(":")) continue;
    const [, , oldBlob, newBlob, code] = head.slice(1).split(" ");
    const letter = code!.charAt(0);
    const status = STATUS[letter] ?? "modified";
    if (letter === "R" || letter === "C") {
      entries.push({
        status,
        previous: tokens[i + 1]!,
        path: tokens[i + 2]!,
        oldBlob: oldBlob!,
        newBlob: newBlob!,
      });
      i += 2;
    } else {
      entries.push({ status, path: tokens[i + 1]!, oldBlob: oldBlob!, newBlob: newBlob! });
      i += 1;
    }
  }
  return entries;
}

/** Parses `git diff --numstat -z`: additions and deletions per entry, `-` for binary files. */
function parseNumstat(out: string): Array<{ additions: number; deletions: number }> {
  const tokens = out.split("\0");
  const counts: Array<{ additions: number; deletions: number }> = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === "") continue;
    const [added, deleted, path] = token.split("\t");
    counts.push({
      additions: added === "-" ? 0 : Number(added),
      deletions: deleted === "-" ? 0 : Number(deleted),
    });
    // A rename names no path after the counts: the old and new paths follow as tokens.
    if (path === "") i += 2;
  }
  return counts;
}

/** Splits a unified diff into the hunks of each file, in git's order. */
function splitPatches(out: string): Array<string | undefined> {
  const chunks = out.split(/^diff --git /m).slice(1);
  return chunks.map((chunk) => {
    const start = chunk.search(/^@@ /m);
    if (start < 0) return undefined;
    return chunk.slice(start).replace(/\n$/, "");
  });
}

/**
 * The files changed from `from` to `to` (renames detected), with line counts and patches,
 * from the real `git diff` of the bare repository.
 */
export async function diffFiles(gitDir: string, from: string, to: string): Promise<FileChange[]> {
  const common = ["-M", "--no-color", "--no-ext-diff", "--no-textconv", from, to];
  const [raw, numstat, patch] = await Promise.all([
    git(["diff", "--raw", "-z", "--no-abbrev", ...common], { cwd: gitDir }),
    git(["diff", "--numstat", "-z", ...common], { cwd: gitDir }),
    git(["diff", "--patch", "--full-index", ...common], { cwd: gitDir }),
  ]);
  const entries = parseRaw(raw.stdout);
  const counts = parseNumstat(numstat.stdout);
  const patches = splitPatches(patch.stdout);
  return entries.map((entry, index) => {
    const change: FileChange = {
      filename: entry.path,
      status: entry.status,
      additions: counts[index]?.additions ?? 0,
      deletions: counts[index]?.deletions ?? 0,
      blobSha: ZERO.test(entry.newBlob)
        ? ZERO.test(entry.oldBlob)
          ? null
          : entry.oldBlob
        : entry.newBlob,
    };
    if (entry.previous !== undefined) change.previousFilename = entry.previous;
    const hunks = patches[index];
    if (hunks !== undefined) change.patch = hunks;
    return change;
  });
}

/** What one commit added, removed and modified (against its first parent), for push payloads. */
export async function commitPaths(
  gitDir: string,
  sha: string,
  firstParent: string | undefined,
): Promise<{ added: string[]; removed: string[]; modified: string[] }> {
  const out = (
    await git(
      ["diff", "--raw", "-z", "--no-abbrev", "--no-renames", firstParent ?? EMPTY_TREE, sha],
      {
        cwd: gitDir,
      },
    )
  ).stdout;
  const result = { added: [] as string[], removed: [] as string[], modified: [] as string[] };
  for (const entry of parseRaw(out)) {
    if (entry.status === "added") result.added.push(entry.path);
    else if (entry.status === "removed") result.removed.push(entry.path);
    else result.modified.push(entry.path);
  }
  return result;
}
