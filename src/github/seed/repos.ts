import type { Octokit } from "@octokit/core";
import { listAll, statusOf } from "../rest.ts";
import { SeedError } from "./seed-error.ts";

export interface EnsuredRepo {
  created: boolean;
  private: boolean;
  defaultBranch: string;
  /** The description was changed on a repository that existed. */
  redescribed: boolean;
}

/**
 * Finds `<org>/<name>` or creates it. A create answered 422 (the name exists: a previous run
 * created it but died before hearing so) finds it again. An existing repository keeps its
 * visibility; its description is brought up to date. `listedAbsent`: the org's repository
 * list (read once for all tasks) lacks the name, so it is created without a look first.
 */
export async function ensureRepo(
  octokit: Octokit,
  org: string,
  name: string,
  want: { private: boolean; description: string; listedAbsent?: boolean },
): Promise<EnsuredRepo> {
  const found = want.listedAbsent ? undefined : await getRepo(octokit, org, name);
  if (found) {
    const redescribed = (found.description ?? "") !== want.description;
    if (redescribed) {
      await octokit
        .request("PATCH /repos/{owner}/{repo}", {
          owner: org,
          repo: name,
          description: want.description,
        })
        .catch(fail(`${org}/${name}: cannot update the description`));
    }
    return {
      created: false,
      private: found.private,
      defaultBranch: found.default_branch,
      redescribed,
    };
  }
  try {
    const { data } = await octokit.request("POST /orgs/{org}/repos", {
      org,
      name,
      private: want.private,
      description: want.description,
      has_wiki: false,
      has_projects: false,
    });
    return {
      created: true,
      private: data.private,
      defaultBranch: data.default_branch ?? "main",
      redescribed: false,
    };
  } catch (error) {
    if (statusOf(error) === 422) {
      const again = await getRepo(octokit, org, name);
      if (again) return ensureRepo(octokit, org, name, { ...want, listedAbsent: false });
    }
    throw failure(`${org}/${name}: cannot create the repository`, error);
  }
}

/** The names of every repository of the org (one request per 100). */
export async function orgRepoNames(octokit: Octokit, org: string): Promise<Set<string>> {
  const repos = await listAll<{ name: string }>(octokit, "GET /orgs/{org}/repos", {
    org,
    type: "all",
  }).catch(fail(`${org}: cannot list the repositories`));
  return new Set(repos.map((repo) => repo.name));
}

async function getRepo(octokit: Octokit, owner: string, repo: string) {
  try {
    return (await octokit.request("GET /repos/{owner}/{repo}", { owner, repo })).data;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw failure(`${owner}/${repo}: cannot read the repository`, error);
  }
}

/**
 * Gives each login push access. On a repository that existed, a login that is already a
 * collaborator is left alone (one read instead of one write). Returns the logins added.
 */
export async function ensurePushAccess(
  octokit: Octokit,
  owner: string,
  repo: string,
  logins: readonly string[],
  fresh: boolean,
): Promise<string[]> {
  const added: string[] = [];
  for (const username of logins) {
    if (!fresh && (await isCollaborator(octokit, owner, repo, username))) continue;
    await octokit
      .request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
        owner,
        repo,
        username,
        permission: "push",
      })
      .catch(fail(`${owner}/${repo}: cannot give ${username} push access`));
    added.push(username);
  }
  return added;
}

async function isCollaborator(
  octokit: Octokit,
  owner: string,
  repo: string,
  username: string,
): Promise<boolean> {
  try {
    await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}", {
      owner,
      repo,
      username,
    });
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw failure(`${owner}/${repo}: cannot check whether ${username} is a collaborator`, error);
  }
}

/** A request failure as a SeedError that says what was being done (a SeedError stays as is). */
export function failure(what: string, error: unknown): Error {
  if (error instanceof SeedError) return error;
  const status = statusOf(error);
  return new SeedError(
    `${what}: ${status ? `GitHub answered ${status}: ` : ""}${(error as Error).message}`,
  );
}

/** For `.catch`: throws the failure as a SeedError that says what was being done. */
export function fail(what: string): (error: unknown) => never {
  return (error) => {
    throw failure(what, error);
  };
}
