import { actingUserId } from "../auth/permissions.ts";
import { validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import type { Router } from "../http/router.ts";
import { issueComment } from "../serialize/issue-comment.ts";
import type { IssueComment, Repo } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { commentFor, issueFor, mayEditAuthored, participate, readableRepo } from "./access.ts";
import { emitCommentEvent } from "./events.ts";
import { sinceOf } from "./list-issues.ts";
import { commentsOn, fullName } from "./queries.ts";

/** A comment's `body`: required, not blank (GitHub's 422 otherwise). */
function commentBody(context: RequestContext): string {
  const body = field<string>(bodyObject(context), "body", "string", {
    resource: "IssueComment",
    required: true,
  })!;
  if (body.trim() === "")
    throw validationFailed([{ resource: "IssueComment", field: "body", code: "missing_field" }]);
  return body;
}

/** Comments updated at or after the query's `since`. */
function updatedSince(context: RequestContext, comments: IssueComment[]): IssueComment[] {
  const since = sinceOf(context.query, "IssueComment");
  return since === undefined ? comments : comments.filter((c) => Date.parse(c.updatedAt) >= since);
}

function issueOf(context: RequestContext, repo: Repo, comment: IssueComment) {
  return context.sandbox.store.issueByNumber(repo.id, comment.issueNumber)!;
}

/** Comments on issues (and on pull requests' conversations). */
export function registerCommentRoutes(router: Router): void {
  router.on("POST", "/repos/:owner/:repo/issues/:issue_number/comments", (context) => {
    const { sandbox } = context;
    const repo = readableRepo(context);
    const issue = issueFor(context, repo);
    const userId = participate(context, repo, issue);
    const text = commentBody(context);
    const now = timestamp();
    const comment: IssueComment = {
      id: sandbox.store.nextId(),
      repoId: repo.id,
      issueNumber: issue.number,
      userId,
      body: text,
      createdAt: now,
      updatedAt: now,
    };
    sandbox.store.comments.set(comment.id, comment);
    issue.comments += 1;
    issue.updatedAt = now;
    emitCommentEvent(sandbox, repo, issue, comment, "created", userId);
    return {
      status: 201,
      body: issueComment(sandbox, repo, comment),
      headers: {
        location: `${sandbox.apiUrl}/repos/${fullName(sandbox.store, repo)}/issues/comments/${comment.id}`,
      },
    };
  });

  router.on("GET", "/repos/:owner/:repo/issues/:issue_number/comments", (context) => {
    const repo = readableRepo(context);
    const comments = updatedSince(
      context,
      commentsOn(context.sandbox.store, issueFor(context, repo)),
    );
    return paginate(
      context,
      comments.map((c) => issueComment(context.sandbox, repo, c)),
    );
  });

  router.on("GET", "/repos/:owner/:repo/issues/comments", (context) => {
    const repo = readableRepo(context);
    const sort = context.query.get("sort");
    const direction = context.query.get("direction");
    if (sort !== null && sort !== "created" && sort !== "updated")
      throw validationFailed([{ resource: "IssueComment", field: "sort", code: "invalid" }]);
    if (direction !== null && direction !== "asc" && direction !== "desc")
      throw validationFailed([{ resource: "IssueComment", field: "direction", code: "invalid" }]);
    let comments = updatedSince(
      context,
      [...context.sandbox.store.comments.values()]
        .filter((c) => c.repoId === repo.id)
        .sort((a, b) => a.id - b.id),
    );
    // GitHub ignores `direction` without `sort`; with it, the default is ascending too.
    if (sort !== null) {
      const key = (c: IssueComment) => Date.parse(sort === "updated" ? c.updatedAt : c.createdAt);
      const sign = direction === "desc" ? -1 : 1;
      comments = comments.sort((a, b) => sign * (key(a) - key(b) || a.id - b.id));
    }
    return paginate(
      context,
      comments.map((c) => issueComment(context.sandbox, repo, c)),
    );
  });

  router.on("GET", "/repos/:owner/:repo/issues/comments/:comment_id", (context) => {
    const repo = readableRepo(context);
    return { status: 200, body: issueComment(context.sandbox, repo, commentFor(context, repo)) };
  });

  router.on("PATCH", "/repos/:owner/:repo/issues/comments/:comment_id", (context) => {
    const { sandbox } = context;
    const repo = readableRepo(context);
    const comment = commentFor(context, repo);
    const issue = issueOf(context, repo, comment);
    const userId = actingUserId(context);
    mayEditAuthored(context, repo, comment.userId, issue);
    const text = commentBody(context);
    if (text !== comment.body) {
      const from = comment.body;
      comment.body = text;
      comment.updatedAt = timestamp();
      emitCommentEvent(sandbox, repo, issue, comment, "edited", userId, { body: { from } });
    }
    return { status: 200, body: issueComment(sandbox, repo, comment) };
  });

  router.on("DELETE", "/repos/:owner/:repo/issues/comments/:comment_id", (context) => {
    const { sandbox } = context;
    const { store } = sandbox;
    const repo = readableRepo(context);
    const comment = commentFor(context, repo);
    const issue = issueOf(context, repo, comment);
    const userId = actingUserId(context);
    mayEditAuthored(context, repo, comment.userId, issue);
    // The webhook shows the comment as it was, so it is built before the comment goes.
    emitCommentEvent(
      sandbox,
      repo,
      { ...issue, comments: issue.comments - 1 },
      comment,
      "deleted",
      userId,
    );
    store.comments.delete(comment.id);
    for (const r of store.reactions.values())
      if (r.subject.kind === "comment" && r.subject.commentId === comment.id)
        store.reactions.delete(r.id);
    issue.comments -= 1;
    return { status: 204 };
  });
}
