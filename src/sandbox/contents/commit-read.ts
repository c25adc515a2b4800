import { timestamp } from "../state/store.ts";
import { FULL_SHA, repoGit, repoGitOutput } from "./repo-git.ts";

/** The author or committer of a commit; `date` in ISO 8601 UTC, as GitHub shows it. */
export interface GitPerson {
  name: string;
  email: string;
  date: string;
}

/** A commit as read from the object database. */
export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  message: string;
}

const FIELD = "%x1f";
const FORMAT = ["%H", "%T", "%P", "%an", "%ae", "%ad", "%cn", "%ce", "%cd", "%B"].join(FIELD);

function person(name: string, email: string, raw: string): GitPerson {
  const seconds = Number(raw.split(" ")[0]);
  return { name, email, date: timestamp(new Date(seconds * 1000)) };
}

function parse(stdout: string): CommitInfo[] {
  return stdout
    .split("\0")
    .filter((record) => record.trim() !== "")
    .map((record) => {
      const fields = record.replace(/^\n/, "").split("\x1f");
      const [sha, tree, parents, an, ae, ad, cn, ce, cd] = fields;
      return {
        sha: sha!,
        tree: tree!,
        parents: parents ? parents.split(" ") : [],
        author: person(an!, ae!, ad!),
        committer: person(cn!, ce!, cd!),
        message: fields.slice(9).join("\x1f"),
      };
    });
}

function logArgs(extra: readonly string[]): string[] {
  return ["log", "-z", "--no-color", "--date=raw", `--format=${FORMAT}`, ...extra];
}

/** One commit by its full id, or undefined when there is no such commit. */
export async function readCommit(gitDir: string, sha: string): Promise<CommitInfo | undefined> {
  if (!FULL_SHA.test(sha)) return undefined;
  const type = await repoGit(gitDir, ["cat-file", "-t", sha], { allowFailure: true });
  if (type.exitCode !== 0 || type.stdout.trim() !== "commit") return undefined;
  const { stdout } = await repoGit(gitDir, logArgs(["--no-walk", "-1", sha, "--"]));
  return parse(stdout)[0];
}

/** The ids of the commits reachable from `start` (newest first), optionally touching `path`. */
export async function commitIds(gitDir: string, start: string, path?: string): Promise<string[]> {
  const out = await repoGitOutput(gitDir, [
    "rev-list",
    start,
    "--",
    ...(path === undefined ? [] : [`:(literal)${path}`]),
  ]);
  return out.split("\n").filter(Boolean);
}

/** Several commits by id, in the order given. */
export async function readCommits(gitDir: string, shas: readonly string[]): Promise<CommitInfo[]> {
  if (shas.length === 0) return [];
  const { stdout } = await repoGit(gitDir, logArgs(["--no-walk=unsorted", ...shas, "--"]));
  const byId = new Map(parse(stdout).map((c) => [c.sha, c]));
  return shas.map((sha) => byId.get(sha)).filter((c): c is CommitInfo => c !== undefined);
}
