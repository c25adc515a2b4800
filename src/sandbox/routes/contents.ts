import { getBranch, listBranches } from "../contents/branch-handlers.ts";
import { getCommit, getGitCommit, listCommits } from "../contents/commit-handlers.ts";
import { getContents } from "../contents/read-contents.ts";
import { createRef, deleteRef, getRef, matchingRefs, updateRef } from "../contents/ref-handlers.ts";
import { deleteContents, putContents } from "../contents/write-contents.ts";
import type { Router } from "../http/router.ts";

/**
 * Contents, branches, commits and git refs, on the bare repositories with git plumbing.
 * Paths, branch and ref names may hold slashes, so those routes end in a wildcard.
 */
export function registerContentRoutes(router: Router): void {
  router.on("GET", "/repos/:owner/:repo/contents", getContents);
  router.on("GET", "/repos/:owner/:repo/contents/*", getContents);
  router.on("PUT", "/repos/:owner/:repo/contents/*", putContents);
  router.on("DELETE", "/repos/:owner/:repo/contents/*", deleteContents);

  router.on("GET", "/repos/:owner/:repo/branches", listBranches);
  router.on("GET", "/repos/:owner/:repo/branches/*", getBranch);

  router.on("GET", "/repos/:owner/:repo/git/ref/*", getRef);
  router.on("GET", "/repos/:owner/:repo/git/matching-refs", matchingRefs);
  router.on("GET", "/repos/:owner/:repo/git/matching-refs/*", matchingRefs);
  router.on("POST", "/repos/:owner/:repo/git/refs", createRef);
  router.on("PATCH", "/repos/:owner/:repo/git/refs/*", updateRef);
  router.on("DELETE", "/repos/:owner/:repo/git/refs/*", deleteRef);

  router.on("GET", "/repos/:owner/:repo/git/commits/:commit_sha", getGitCommit);
  router.on("GET", "/repos/:owner/:repo/commits", listCommits);
  router.on("GET", "/repos/:owner/:repo/commits/:ref", getCommit);
}
