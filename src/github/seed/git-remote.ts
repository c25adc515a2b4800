import { appendFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { git, gitOutput, GitError } from "../../core/git/git.ts";
import { cloneUrl, gitAuthEnv, redact } from "../git-auth.ts";
import { SeedError } from "./seed-error.ts";

/** A repository on the GitHub server, reached over HTTP with a token sent through the environment. */
export interface Remote {
  serverUrl: string;
  owner: string;
  repo: string;
  token(): Promise<string>;
  /** Tokens to keep out of error messages. */
  secrets(): string[];
}

/** A bare scratch repository where commits are built before they are pushed. */
export interface Scratch {
  gitDir: string;
  /** Lets the scratch repository read another repository's objects (no copy). */
  borrowObjects(repo: string): Promise<void>;
  dispose(): Promise<void>;
}

export async function createScratch(workDir: string): Promise<Scratch> {
  await mkdir(workDir, { recursive: true });
  const gitDir = await mkdtemp(path.join(workDir, "lancer-seed-"));
  await git(["init", "--bare", "-q", "-b", "main"], { cwd: gitDir });
  const borrowed = new Set<string>();
  return {
    gitDir,
    async borrowObjects(repo) {
      const objects = path.resolve(repo, "objects");
      if (borrowed.has(objects)) return;
      borrowed.add(objects);
      await appendFile(path.join(gitDir, "objects", "info", "alternates"), `${objects}\n`);
    },
    dispose: () => rm(gitDir, { recursive: true, force: true }),
  };
}

function fullName(remote: Remote): string {
  return `${remote.owner}/${remote.repo}`;
}

async function remoteGit(
  remote: Remote,
  gitDir: string,
  args: (url: string) => string[],
  what: string,
): Promise<string> {
  const url = cloneUrl(remote.serverUrl, remote.owner, remote.repo);
  const token = await remote.token();
  try {
    return await gitOutput(args(url), {
      cwd: gitDir,
      env: gitAuthEnv(remote.serverUrl, token),
    });
  } catch (error) {
    const said = error instanceof GitError ? error.result.stderr.trim() : String(error);
    throw new SeedError(
      `${what} ${fullName(remote)}: ${redact(said, [token, ...remote.secrets()])}`,
    );
  }
}

/** The commit a branch of the remote points at, or undefined when there is no such branch. */
export async function remoteBranch(
  remote: Remote,
  gitDir: string,
  branch: string,
): Promise<string | undefined> {
  const listed = await remoteGit(
    remote,
    gitDir,
    (url) => ["ls-remote", url, `refs/heads/${branch}`],
    "cannot list the branches of",
  );
  const line = listed.split("\n").find((l) => l.endsWith(`\trefs/heads/${branch}`));
  return line ? line.split("\t")[0] : undefined;
}

/** Fetches the tip of a branch (without history) into the scratch repository; its commit. */
export async function fetchBranch(remote: Remote, gitDir: string, branch: string): Promise<string> {
  await remoteGit(
    remote,
    gitDir,
    (url) => ["fetch", "-q", "--depth=1", url, `refs/heads/${branch}`],
    `cannot fetch ${branch} of`,
  );
  return gitOutput(["rev-parse", "FETCH_HEAD"], { cwd: gitDir });
}

/**
 * Pushes a commit to a branch of the remote. `expected` is the branch's current commit: a
 * push that is not a fast-forward replaces it only if it is still there (lease); undefined:
 * the branch must be new or move forward.
 */
export async function pushBranch(
  remote: Remote,
  gitDir: string,
  commit: string,
  branch: string,
  options: { replace?: string } = {},
): Promise<void> {
  const ref = `refs/heads/${branch}`;
  await remoteGit(
    remote,
    gitDir,
    (url) => [
      "push",
      "-q",
      ...(options.replace ? [`--force-with-lease=${ref}:${options.replace}`] : []),
      url,
      `${commit}:${ref}`,
    ],
    `cannot push ${branch} to`,
  );
}
