import { actingUserId, repoFor } from "../auth/permissions.ts";
import { validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import { storeNewIssue } from "../issues/create-issue.ts";
import { pullRequest } from "../serialize/pull.ts";
import type { PullRequest } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { pullCustomError } from "./errors.ts";
import { emitPullEvent } from "./events.ts";
import { branchSha, countAhead } from "./git-read.ts";
import { pullWriteLevel } from "./lookup.ts";

const R = "PullRequest";
const invalid = (name: string) => validationFailed([{ resource: R, field: name, code: "invalid" }]);

/**
 * `POST /repos/{owner}/{repo}/pulls`: opens a pull request from a branch of the repository
 * (`branch` or `owner:branch`) into another, with its issue (same number), or turns an
 * existing issue into one (`issue`). GitHub's 422s when a branch is missing, when there is
 * nothing to merge, or when an open pull request already joins the two branches.
 */
export async function createPull(context: RequestContext): Promise<Reply> {
  const { sandbox } = context;
  const { store } = sandbox;
  const repo = repoFor(context, "pull_requests", pullWriteLevel(context));
  const userId = actingUserId(context);
  const body = bodyObject(context);
  const head = field<string>(body, "head", "string", { resource: R, required: true })!;
  const base = field<string>(body, "base", "string", { resource: R, required: true })!;
  const title = field<string>(body, "title", "string", { resource: R });
  const text = field<string>(body, "body", "string", { resource: R, nullable: true });
  const draft = field<boolean>(body, "draft", "boolean", { resource: R });
  const canModify = field<boolean>(body, "maintainer_can_modify", "boolean", { resource: R });
  const issueNumber = field<number>(body, "issue", "integer", { resource: R });
  const headRepo = field<string>(body, "head_repo", "string", { resource: R });

  const owner = store.ownerLogin(repo);
  if (headRepo !== undefined && headRepo.toLowerCase() !== `${owner}/${repo.name}`.toLowerCase())
    throw invalid("head_repo");
  const colon = head.indexOf(":");
  if (colon >= 0 && head.slice(0, colon).toLowerCase() !== owner.toLowerCase())
    throw invalid("head");
  const headRef = colon >= 0 ? head.slice(colon + 1) : head;
  const existing =
    issueNumber === undefined ? undefined : store.issueByNumber(repo.id, issueNumber);
  if (issueNumber !== undefined && (!existing || existing.pullRequestId !== null))
    throw invalid("issue");
  if (!existing && (title === undefined || title.trim() === ""))
    throw validationFailed([{ resource: "Issue", field: "title", code: "missing_field" }]);
  const headSha = await branchSha(repo.gitDir, headRef);
  if (headSha === undefined) throw invalid("head");
  const baseSha = await branchSha(repo.gitDir, base);
  if (baseSha === undefined) throw invalid("base");
  const duplicate = [...store.pulls.values()].some(
    (p) =>
      p.repoId === repo.id &&
      p.headRef === headRef &&
      p.baseRef === base &&
      store.issues.get(p.issueId)?.state === "open",
  );
  if (duplicate) throw pullCustomError(`A pull request already exists for ${owner}:${headRef}.`);
  if ((await countAhead(repo.gitDir, baseSha, headSha)) === 0)
    throw pullCustomError(`No commits between ${base} and ${head}`);

  const pullId = store.nextId();
  const issue =
    existing ??
    storeNewIssue(store, repo, {
      title: title!,
      body: text ?? null,
      userId,
      pullRequestId: pullId,
    });
  if (existing) Object.assign(existing, { pullRequestId: pullId, updatedAt: timestamp() });
  const pull: PullRequest = {
    id: pullId,
    repoId: repo.id,
    number: issue.number,
    issueId: issue.id,
    headRef,
    headSha,
    headRepoId: repo.id,
    baseRef: base,
    baseSha,
    draft: draft ?? false,
    merged: false,
    mergedAt: null,
    mergedById: null,
    mergeCommitSha: null,
    maintainerCanModify: canModify ?? false,
  };
  store.putPull(pull);
  const facts = await emitPullEvent(sandbox, pull, "opened", userId, context.principal);
  return {
    status: 201,
    body: pullRequest(sandbox, pull, facts),
    headers: { location: `${sandbox.apiUrl}/repos/${owner}/${repo.name}/pulls/${pull.number}` },
  };
}
