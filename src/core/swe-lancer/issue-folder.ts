import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { BUG_PATCHES, QUESTION_ID, REQUIRED_ISSUE_FILES } from "./profile.ts";

/** An issue folder of the benchmark checkout that has what grading needs. */
export interface IssueFolder {
  /** Every regular file of the folder, by name relative to it. */
  files: Map<string, Buffer>;
  /** The Expensify/App commit the task starts from (commit_id.txt). */
  commit: string;
  /** The bug patch's file name (bug_reintroduce.patch or issue_introduction.patch). */
  bugPatch: string;
}

/**
 * Reads `issues/<questionId>/` of a SWE-Lancer benchmark checkout: the folder with test.py,
 * flow.mitm, commit_id.txt (a commit id) and a bug patch, or the reason it cannot be graded
 * (folder missing, files missing or empty, a symbolic link, a bad commit id).
 */
export async function readIssueFolder(
  benchmarkDir: string,
  questionId: string,
): Promise<{ ok: true; folder: IssueFolder } | { ok: false; reason: string }> {
  if (!QUESTION_ID.test(questionId))
    return { ok: false, reason: `question_id "${questionId}" is not a folder name` };
  const rel = `issues/${questionId}`;
  const dir = path.join(benchmarkDir, "issues", questionId);
  const info = await lstat(dir).catch(() => undefined);
  if (!info) return { ok: false, reason: `${rel}/ is missing from the benchmark checkout` };
  if (!info.isDirectory()) return { ok: false, reason: `${rel} is not a folder` };
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const name = path.relative(dir, full).split(path.sep).join("/");
    if (entry.isSymbolicLink())
      return { ok: false, reason: `${rel}/${name} is a symbolic link; expected regular files` };
    if (entry.isFile()) files.set(name, await readFile(full));
  }
  const empty = (name: string) => (files.get(name)?.toString("utf8").trim() ?? "") === "";
  const missing: string[] = REQUIRED_ISSUE_FILES.filter(empty);
  const bugPatch = BUG_PATCHES.find((name) => !empty(name));
  if (!bugPatch) missing.push(BUG_PATCHES.join(" or "));
  if (missing.length > 0)
    return { ok: false, reason: `${rel}/ is incomplete: ${missing.join(", ")} missing or empty` };
  const commit = files.get("commit_id.txt")!.toString("utf8").trim();
  if (!/^[0-9a-f]{7,40}$/.test(commit))
    return {
      ok: false,
      reason: `${rel}/commit_id.txt: "${commit.slice(0, 60)}" is not a commit id`,
    };
  return { ok: true, folder: { files, commit, bugPatch: bugPatch! } };
}
