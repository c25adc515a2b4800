import { listAll, unlessMissing, type GitHub } from "./rest.ts";

interface CommentLike {
  id: number;
  body?: string | null;
  user?: { login: string; type?: string } | null;
}

export interface MarkedCommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
  /** A hidden line unique to this comment, e.g. `<!-- lancer:attempt … -->`. */
  marker: string;
  /** Whose comment counts as ours: only a bot's (anyone can copy a marker into a comment). */
  author?: string;
}

/**
 * Posts a comment carrying `marker` on an issue or pull request, or edits the one posted
 * before (only when its text changed). Returns the comment's id.
 */
export async function upsertMarkedComment(
  github: GitHub,
  target: MarkedCommentTarget,
  body: string,
): Promise<number> {
  const { owner, repo, issueNumber, marker } = target;
  const comments = await listAll<CommentLike>(
    github,
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    { owner, repo, issue_number: issueNumber },
  );
  const mine = comments.find(
    (c) =>
      c.user?.type === "Bot" &&
      (target.author === undefined || c.user.login === target.author) &&
      c.body?.includes(marker),
  );
  const text = body.includes(marker) ? body : `${marker}\n${body}`;
  if (mine) {
    if (mine.body !== text)
      await github.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
        owner,
        repo,
        comment_id: mine.id,
        body: text,
      });
    return mine.id;
  }
  const { data } = await github.request(
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
    {
      owner,
      repo,
      issue_number: issueNumber,
      body: text,
    },
  );
  return Number(data.id);
}

/**
 * Edits the comment `id` that the app posted for `target`, without listing comments: the id
 * comes from the app's own dispatch (the grading run's name, trusted as its verdict is). A
 * comment that is gone (deleted by a maintainer), or that the answer shows is not the app's,
 * falls back to posting or finding the marked comment as usual.
 */
export async function editMarkedComment(
  github: GitHub,
  target: MarkedCommentTarget,
  id: number,
  body: string,
): Promise<number> {
  const text = body.includes(target.marker) ? body : `${target.marker}\n${body}`;
  const { owner, repo } = target;
  const edited = await unlessMissing(
    github.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner,
      repo,
      comment_id: id,
      body: text,
    }),
  );
  const comment = edited?.data as CommentLike | undefined;
  if (
    comment &&
    comment.user?.type === "Bot" &&
    (target.author === undefined || comment.user.login === target.author)
  )
    return id;
  return upsertMarkedComment(github, target, body);
}
