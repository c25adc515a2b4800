import { writeFile } from "node:fs/promises";
import path from "node:path";
import { runProcess } from "../exec/run-process.ts";
import { git } from "../git/git.ts";

export type ApplyMethod = "empty" | "git-apply" | "git-apply-3way" | "patch-fuzz";

export type ApplyOutcome =
  | {
      applied: true;
      method: ApplyMethod;
      /**
       * The paths the patch changed, when plain `git apply` applied it: exactly the ones
       * `git apply --numstat` reads from it (read at the same time, saving a `git status`).
       */
      changed?: string[];
    }
  | { applied: false; errors: string[] };

/** Fuzz allowed by the last fallback, as the SWE-bench harness does with GNU patch. */
const PATCH_FUZZ = 5;

/**
 * Applies a unified diff to a workspace whose HEAD is the base, trying `git apply`, then
 * `git apply --3way`, then GNU `patch` with fuzz, resetting the tree between tries.
 * The workspace must be clean at HEAD when called, but for the paths in `keep`, which the
 * resets leave alone.
 */
export async function applyPatch(
  workspace: string,
  patch: string,
  scratchDir: string,
  keep: readonly string[] = [],
): Promise<ApplyOutcome> {
  if (patch.trim() === "") return { applied: true, method: "empty", changed: [] };
  const patchFile = path.join(scratchDir, "candidate.patch");
  await writeFile(patchFile, patch.endsWith("\n") ? patch : `${patch}\n`);
  const numstat = git(["apply", "--numstat", "-z", patchFile], {
    cwd: workspace,
    allowFailure: true,
  });
  numstat.catch(() => undefined);
  const tries: Array<
    [ApplyMethod, () => Promise<{ exitCode: number | null; stderr: string; stdout: string }>]
  > = [
    [
      "git-apply",
      () =>
        git(["apply", "--whitespace=nowarn", patchFile], { cwd: workspace, allowFailure: true }),
    ],
    [
      "git-apply-3way",
      () =>
        git(["apply", "--3way", "--whitespace=nowarn", patchFile], {
          cwd: workspace,
          allowFailure: true,
        }),
    ],
    [
      "patch-fuzz",
      () =>
        runProcess(
          "patch",
          [
            "--batch",
            `--fuzz=${PATCH_FUZZ}`,
            "--no-backup-if-mismatch",
            "--reject-file=-",
            "-p1",
            "-i",
            patchFile,
          ],
          {
            cwd: workspace,
            timeoutMs: 60_000,
          },
        ),
    ],
  ];
  const errors: string[] = [];
  for (const [index, [method, attempt]] of tries.entries()) {
    // The workspace arrives clean; only a failed try leaves something to reset.
    if (index > 0) await resetToHead(workspace, keep);
    const result = await attempt();
    if (result.exitCode === 0) {
      if (method !== "git-apply") return { applied: true, method };
      const listed = await numstat;
      return listed.exitCode === 0
        ? { applied: true, method, changed: numstatPaths(listed.stdout) }
        : { applied: true, method };
    }
    errors.push(
      `${method}: ${(result.stderr || result.stdout).trim().split("\n").slice(0, 3).join(" | ")}`,
    );
  }
  await resetToHead(workspace, keep);
  return { applied: false, errors };
}

/**
 * The paths of `git apply --numstat -z` output: `added\tdeleted\tpath\0` per file, and
 * `added\tdeleted\t\0from\0to\0` for a rename or copy (both paths count).
 */
export function numstatPaths(output: string): string[] {
  const fields = output.split("\0");
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const match = /^(?:\d+|-)\t(?:\d+|-)\t(.*)$/s.exec(fields[i]!);
    if (!match) continue;
    if (match[1] !== "") paths.push(match[1]!);
    else {
      paths.push(fields[i + 1]!, fields[i + 2]!);
      i += 2;
    }
  }
  return [...new Set(paths.filter((p) => p !== ""))];
}

/** Puts the working tree and index back to HEAD and removes every untracked file. */
export async function resetToHead(workspace: string, keep: readonly string[] = []): Promise<void> {
  await git(["reset", "-q", "--hard", "HEAD"], { cwd: workspace });
  // `keep`: root-relative paths that are not the candidate's (an installed environment).
  await git(["clean", "-q", "-fdx", ...keep.flatMap((p) => ["-e", `/${p}`])], { cwd: workspace });
}

/** Paths that differ from HEAD in the working tree, including new and deleted files. */
export async function changedPaths(workspace: string): Promise<string[]> {
  const { stdout } = await git(
    ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"],
    {
      cwd: workspace,
    },
  );
  return stdout
    .split("\0")
    .filter((entry) => entry.length > 3)
    .map((entry) => entry.slice(3));
}
