import { FULL_SHA, ZERO_OID, repoGit, repoGitOutput } from "./repo-git.ts";

/** A ref and the object it points at. */
export interface RefInfo {
  ref: string;
  sha: string;
  /** The type of the object: `commit`, or `tag` for annotated tags. */
  type: string;
}

/** Every ref under `refs/` of a repository, sorted by name. */
export async function listRefs(gitDir: string): Promise<RefInfo[]> {
  const out = await repoGitOutput(gitDir, [
    "for-each-ref",
    "--format=%(objectname) %(objecttype) %(refname)",
    "refs/",
  ]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [sha, type, ...rest] = line.split(" ");
      return { sha: sha!, type: type!, ref: rest.join(" ") };
    });
}

/** Whether a repository has no branch at all (GitHub calls such a repository empty). */
export async function isEmptyRepo(gitDir: string): Promise<boolean> {
  return (await listRefs(gitDir)).every((r) => !r.ref.startsWith("refs/heads/"));
}

/** Whether `ref` is a well-formed full ref name (`refs/heads/x`), by git's own rules. */
export async function validRefName(gitDir: string, ref: string): Promise<boolean> {
  if (ref.startsWith("-") || !ref.startsWith("refs/")) return false;
  const result = await repoGit(gitDir, ["check-ref-format", ref], { allowFailure: true });
  return result.exitCode === 0;
}

/** The object a full ref points at, or undefined. */
export async function readRef(gitDir: string, ref: string): Promise<string | undefined> {
  if (!(await validRefName(gitDir, ref))) return undefined;
  const result = await repoGit(gitDir, ["rev-parse", "--verify", "--quiet", ref], {
    allowFailure: true,
  });
  const sha = result.stdout.trim();
  return result.exitCode === 0 && FULL_SHA.test(sha) ? sha : undefined;
}

/** The commit a branch points at, or undefined when there is no such branch. */
export function branchHead(gitDir: string, branch: string): Promise<string | undefined> {
  return readRef(gitDir, `refs/heads/${branch}`);
}

/** The type of an object (`commit`, `tree`, `blob`, `tag`), or undefined when it does not exist. */
export async function objectType(gitDir: string, sha: string): Promise<string | undefined> {
  if (!FULL_SHA.test(sha)) return undefined;
  const result = await repoGit(gitDir, ["cat-file", "-t", sha], { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * The commit a `ref` query names, as GitHub reads it: a branch, then a tag, then a full
 * ref name, then a commit id (full or abbreviated). Undefined when none matches.
 */
export async function resolveCommit(gitDir: string, ref: string): Promise<string | undefined> {
  // Nothing git would read as revision syntax (`~`, `^`, `:`, `@{`, `..`) gets through.
  if (ref === "" || ref.startsWith("-") || /[\0\s~^:?*[\\]|@\{|\.\./.test(ref)) return undefined;
  const candidates = [
    `refs/heads/${ref}`,
    `refs/tags/${ref}`,
    ...(ref.startsWith("refs/") ? [ref] : []),
    ...(/^[0-9a-f]{4,40}$/i.test(ref) ? [ref.toLowerCase()] : []),
  ];
  for (const candidate of candidates) {
    const result = await repoGit(
      gitDir,
      ["rev-parse", "--verify", "--quiet", `${candidate}^{commit}`],
      { allowFailure: true },
    );
    const sha = result.stdout.trim();
    if (result.exitCode === 0 && FULL_SHA.test(sha)) return sha;
  }
  return undefined;
}

/** Whether `ancestor` is an ancestor of (or the same commit as) `descendant`. */
export async function isAncestor(
  gitDir: string,
  ancestor: string,
  descendant: string,
): Promise<boolean> {
  const result = await repoGit(gitDir, ["merge-base", "--is-ancestor", ancestor, descendant], {
    allowFailure: true,
  });
  return result.exitCode === 0;
}

/**
 * What a compare-and-swap on a ref gave: done; lost to another writer (`actual` is what the
 * ref holds now); or refused by git for another reason (such as `refs/heads/a` when
 * `refs/heads/a/b` exists), with git's message.
 */
export type RefSwap =
  | { ok: true }
  | { ok: false; raced: true; actual: string }
  | { ok: false; raced: false; detail: string };

/**
 * Moves `ref` from `expected` (ZERO_OID: must not exist) to `next` (ZERO_OID: delete) only
 * if it still holds `expected` (git checks it under the ref's lock), so that concurrent
 * writers can never lose each other's updates: the loser learns what the ref holds now.
 */
export async function swapRef(
  gitDir: string,
  ref: string,
  next: string,
  expected: string,
): Promise<RefSwap> {
  const args =
    next === ZERO_OID
      ? ["update-ref", "-d", ref, expected]
      : ["update-ref", "-m", "sandbox api", ref, next, expected];
  const result = await repoGit(gitDir, args, { allowFailure: true });
  if (result.exitCode === 0) return { ok: true };
  const actual = (await readRef(gitDir, ref)) ?? ZERO_OID;
  if (actual !== expected) return { ok: false, raced: true, actual };
  return { ok: false, raced: false, detail: result.stderr.trim() };
}
