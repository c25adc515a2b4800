import { actingUserId } from "../auth/permissions.ts";
import { ApiError, notFound, validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import type { Router } from "../http/router.ts";
import { reaction, REACTION_CONTENTS } from "../serialize/reaction.ts";
import type { Issue, Reaction, Repo } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { commentFor, issueFor, participate, readableRepo, refuseArchived } from "./access.ts";
import { reactionsToComment, reactionsToIssue } from "./queries.ts";

type Content = Reaction["content"];

/** One subject of reactions: an issue or an issue comment, resolved from the route. */
interface Subject {
  repo: Repo;
  issue: Issue;
  key: Reaction["subject"];
  reactions: () => Reaction[];
}

function issueSubject(context: RequestContext): Subject {
  const repo = readableRepo(context);
  const issue = issueFor(context, repo);
  return {
    repo,
    issue,
    key: { kind: "issue", repoId: repo.id, number: issue.number },
    reactions: () => reactionsToIssue(context.sandbox.store, issue),
  };
}

function commentSubject(context: RequestContext): Subject {
  const repo = readableRepo(context);
  const comment = commentFor(context, repo);
  return {
    repo,
    issue: context.sandbox.store.issueByNumber(repo.id, comment.issueNumber)!,
    key: { kind: "comment", commentId: comment.id },
    reactions: () => reactionsToComment(context.sandbox.store, comment),
  };
}

function isContent(value: string): value is Content {
  return (REACTION_CONTENTS as readonly string[]).includes(value);
}

/** Adds the caller's reaction: 201 when new, 200 with the existing one when they already reacted so. */
function create(context: RequestContext, subject: Subject) {
  const userId = participate(context, subject.repo, subject.issue);
  const content = field<string>(bodyObject(context), "content", "string", {
    resource: "Reaction",
    required: true,
  })!;
  if (!isContent(content))
    throw validationFailed([{ resource: "Reaction", field: "content", code: "invalid" }]);
  const existing = subject.reactions().find((r) => r.userId === userId && r.content === content);
  if (existing) return { status: 200, body: reaction(context.sandbox, existing) };
  const created: Reaction = {
    id: context.sandbox.store.nextId(),
    userId,
    content,
    subject: subject.key,
    createdAt: timestamp(),
  };
  context.sandbox.store.reactions.set(created.id, created);
  return { status: 201, body: reaction(context.sandbox, created) };
}

/** Lists reactions, optionally of one `content`. */
function list(context: RequestContext, subject: Subject) {
  const content = context.query.get("content");
  if (content !== null && !isContent(content))
    throw validationFailed([{ resource: "Reaction", field: "content", code: "invalid" }]);
  const reactions = subject.reactions().filter((r) => content === null || r.content === content);
  return paginate(
    context,
    reactions.map((r) => reaction(context.sandbox, r)),
  );
}

/** Deletes one reaction of the subject; only its author may (GitHub's 403 otherwise). */
function remove(context: RequestContext, subject: Subject) {
  const userId = actingUserId(context);
  refuseArchived(subject.repo);
  const id = Number(context.params.reaction_id);
  const found = subject.reactions().find((r) => r.id === id);
  if (!found) throw notFound();
  if (found.userId !== userId) throw new ApiError(403, "You can only delete your own reactions.");
  context.sandbox.store.reactions.delete(found.id);
  return { status: 204 };
}

/** Reactions to issues and to issue comments. */
export function registerReactionRoutes(router: Router): void {
  const issuePath = "/repos/:owner/:repo/issues/:issue_number/reactions";
  const commentPath = "/repos/:owner/:repo/issues/comments/:comment_id/reactions";
  router.on("POST", issuePath, (context) => create(context, issueSubject(context)));
  router.on("GET", issuePath, (context) => list(context, issueSubject(context)));
  router.on("DELETE", `${issuePath}/:reaction_id`, (context) =>
    remove(context, issueSubject(context)),
  );
  router.on("POST", commentPath, (context) => create(context, commentSubject(context)));
  router.on("GET", commentPath, (context) => list(context, commentSubject(context)));
  router.on("DELETE", `${commentPath}/:reaction_id`, (context) =>
    remove(context, commentSubject(context)),
  );
}
