import type { LedgerRecord } from "../../core/ledger/ledger-record.ts";
import { formatCents } from "../../core/money.ts";
import { computePayout } from "../../core/payout.ts";
import type { AttemptView } from "../../core/report/render-attempt.ts";
import type { TaskFile } from "../../core/task/schema.ts";
import { claimTask, listClaims, readAttempt, type Claim } from "../ledger-repo.ts";
import { upsertMarkedComment } from "../marked-comment.ts";
import { listAll } from "../rest.ts";
import { findOwnCheckRun } from "./check-runs.ts";
import { dispatchGrading } from "./dispatch-grading.ts";
import { parseCommand } from "./parse-command.ts";
import { recordOutcome, showAttempt } from "./record-outcome.ts";
import {
  deadlineHoursOf,
  isAgent,
  isMirrorCandidate,
  maxAttemptsOf,
  type ArenaScope,
} from "./scope.ts";
import { taskDeadline } from "./deadline.ts";
import { isTaskIssue } from "./task-issue-lookup.ts";
import { attemptOfPull } from "./submit-pull-request.ts";

/** The facts of a new comment the arena looks at. */
export interface CommentFacts {
  owner: string;
  repo: string;
  commentId: number;
  body: string;
  author: string;
  createdAt: string;
  htmlUrl: string;
  issue: {
    number: number;
    body?: string | null;
    user?: { login: string } | null;
    pull_request?: unknown;
    /** When the task issue was opened: a task's deadline counts from it. */
    created_at?: string;
  };
}

export type CommandOutcome =
  { action: "skipped"; why: string } | { action: "answered"; command: string; detail?: string };

/**
 * Acts on a command in a new comment: `/select N` (an agent's answer to a manager task, graded
 * at once), `/claim` (starts the agent's deadline clock), `/lancer status`, `/lancer regrade`
 * (maintainers). Edited comments never reach this: an answer is what was first posted.
 */
export async function answerCommand(
  scope: ArenaScope,
  comment: CommentFacts,
): Promise<CommandOutcome> {
  const command = parseCommand(comment.body);
  if (!command) return skipped("no command");
  if (comment.author === scope.app.botLogin) return skipped("the app's own comment");
  if (!isMirrorCandidate(scope, comment.owner, comment.repo)) return skipped("not a task mirror");
  const task = await scope.readTask(comment.repo);
  if (!task) return skipped(`${comment.repo} is not a task of ${scope.grader.repo}`);
  switch (command.name) {
    case "select":
      return select(scope, task, comment, command.proposal);
    case "claim":
      return claim(scope, task, comment);
    case "status":
      return status(scope, task, comment);
    case "regrade":
      return regrade(scope, task, comment);
  }
}

function skipped(why: string): CommandOutcome {
  return { action: "skipped", why };
}

async function select(
  scope: ArenaScope,
  task: TaskFile,
  comment: CommentFacts,
  proposal: number,
): Promise<CommandOutcome> {
  if (!isAgent(scope, comment.author)) return skipped(`${comment.author} is not an agent`);
  if (task.kind !== "manager") return skipped("an IC task is answered with a pull request");
  if (!isTaskIssue(scope, comment.issue, task.id)) return skipped("not the task issue");
  const ids = new Set((task.proposals ?? []).map((p) => p.id));
  // Only selections of a real proposal count as attempts, in the order they were posted.
  const comments = await listAll<{
    id: number;
    body?: string | null;
    user?: { login: string } | null;
  }>(scope.github, "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: comment.owner,
    repo: comment.repo,
    issue_number: comment.issue.number,
  });
  const selections = comments
    .filter((c) => c.user?.login === comment.author)
    .filter((c) => {
      const parsed = parseCommand(c.body);
      return parsed?.name === "select" && ids.has(parsed.proposal);
    })
    .map((c) => c.id)
    .sort((a, b) => a - b);
  const places = { repo: comment.repo, issueNumber: comment.issue.number };
  const maxAttempts = maxAttemptsOf(scope, task);
  if (!ids.has(proposal)) {
    await reply(
      scope,
      comment,
      `lancer:select-invalid ${comment.commentId}`,
      `@${comment.author} there is no proposal ${proposal}; choose one of ${[...ids].join(", ")}. This did not count as an attempt.`,
    );
    return { action: "answered", command: "select", detail: "no such proposal" };
  }
  const index = selections.indexOf(comment.commentId);
  const attempt = index === -1 ? selections.length + 1 : index + 1;
  const view: AttemptView = {
    taskId: task.id,
    kind: task.kind,
    priceCents: task.price_cents,
    agent: comment.author,
    attempt,
    maxAttempts,
    submission: `proposal ${proposal} (${comment.htmlUrl})`,
    state: "grading",
  };
  if (attempt > maxAttempts) {
    await showAttempt(scope, places, {
      ...view,
      state: "refused",
      why: `attempt ${attempt} exceeds the ${maxAttempts} allowed`,
    });
    return { action: "answered", command: "select", detail: "over the attempt budget" };
  }
  const deadline = await taskDeadline(scope, task, comment.repo, issueOpened(comment));
  if (deadline) view.deadline = deadline.toISOString();
  const verdict = proposal === task.hidden.correct_proposal_id ? "pass" : "fail";
  // Submitted: when GitHub took the comment, or when the app's clock saw it, if later.
  const submittedAt = new Date(Math.max(Date.parse(comment.createdAt), scope.now().getTime()));
  const payout = computePayout(task.price_cents, verdict, {
    attempt,
    maxAttempts,
    submittedAt,
    ...(deadline ? { deadline } : {}),
  });
  const record: LedgerRecord = {
    schema: 1,
    task_id: task.id,
    kind: task.kind,
    agent: comment.author,
    attempt,
    verdict,
    price_cents: task.price_cents,
    payout_cents: payout.cents ?? 0,
    ...(payout.paid ? {} : { why: payout.why }),
    repository: `${scope.org}/${comment.repo}`,
    selection: proposal,
    graded_at: new Date().toISOString(),
  };
  const outcome = await recordOutcome(scope, places, record, view);
  return {
    action: "answered",
    command: "select",
    detail: `${outcome.record.verdict}${outcome.created ? "" : " (recorded before)"}`,
  };
}

async function claim(
  scope: ArenaScope,
  task: TaskFile,
  comment: CommentFacts,
): Promise<CommandOutcome> {
  if (!isAgent(scope, comment.author)) return skipped(`${comment.author} is not an agent`);
  if (!isTaskIssue(scope, comment.issue, task.id)) return skipped("not the task issue");
  await claimTask(scope.github, scope.ledger, {
    task_id: task.id,
    agent: comment.author,
    claimed_at: comment.createdAt,
    source: comment.htmlUrl,
  });
  const claims = await listClaims(scope.github, scope.ledger, task.id);
  const deadline = await taskDeadline(scope, task, comment.repo, issueOpened(comment));
  const body = withClaimsTable(comment.issue.body ?? "", claims, deadline);
  if (body !== comment.issue.body)
    await scope.github.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: comment.owner,
      repo: comment.repo,
      issue_number: comment.issue.number,
      body,
    });
  await react(scope, comment, "+1");
  return { action: "answered", command: "claim" };
}

const CLAIMS_START = "<!-- lancer:claims -->";
const CLAIMS_END = "<!-- /lancer:claims -->";

/** The task issue's opening time from a comment's payload, when it carries it. */
function issueOpened(comment: CommentFacts): { created_at: string } | undefined {
  return comment.issue.created_at ? { created_at: comment.issue.created_at } : undefined;
}

/**
 * The issue body with its attempts table (one row per claim) put in or replaced. The
 * deadline is the task's (from its issue's opening), the same for every agent.
 */
export function withClaimsTable(
  body: string,
  claims: readonly Claim[],
  deadline: Date | undefined,
): string {
  const rows = claims.map(
    (c) => `| @${c.agent} | ${c.claimed_at} | ${deadline ? deadline.toISOString() : "none"} |`,
  );
  const table = [
    CLAIMS_START,
    "#### Attempts",
    "",
    "| Agent | Claimed | Deadline |",
    "| --- | --- | --- |",
    ...rows,
    CLAIMS_END,
  ].join("\n");
  const start = body.indexOf(CLAIMS_START);
  const end = body.indexOf(CLAIMS_END);
  if (start !== -1 && end > start)
    return `${body.slice(0, start)}${table}${body.slice(end + CLAIMS_END.length)}`;
  return `${body.trimEnd()}\n\n${table}`;
}

async function status(
  scope: ArenaScope,
  task: TaskFile,
  comment: CommentFacts,
): Promise<CommandOutcome> {
  const claims = await listClaims(scope.github, scope.ledger, task.id);
  const hours = deadlineHoursOf(scope, task);
  const lines = [
    `**Lancer status** of \`${task.id}\`: ${formatCents(task.price_cents)}, ${task.kind === "ic" ? "IC" : "manager"}, ${maxAttemptsOf(scope, task)} attempt(s) per agent${hours ? `, ${hours} h from the issue's opening` : ""}.`,
    "",
    claims.length === 0
      ? "No claims yet."
      : `Claimed by ${claims.map((c) => `@${c.agent} (${c.claimed_at})`).join(", ")}.`,
    "",
    "Payouts are recorded in the ledger repository " +
      `[${scope.ledger.owner}/${scope.ledger.repo}](${scope.serverUrl}/${scope.ledger.owner}/${scope.ledger.repo}).`,
  ];
  await reply(scope, comment, "lancer:status", lines.join("\n"));
  return { action: "answered", command: "status" };
}

async function regrade(
  scope: ArenaScope,
  task: TaskFile,
  comment: CommentFacts,
): Promise<CommandOutcome> {
  if (!scope.config.maintainers.includes(comment.author))
    return skipped(`${comment.author} is not a maintainer`);
  if (!comment.issue.pull_request) return skipped("regrade is asked on a pull request");
  // The app's reaction marks a command it acted on: a redelivery of it does nothing more.
  if (await reacted(scope, comment, "rocket")) return skipped("this regrade was acted on already");
  const { data: pull } = await scope.github.request(
    "GET /repos/{owner}/{repo}/pulls/{pull_number}",
    {
      owner: comment.owner,
      repo: comment.repo,
      pull_number: comment.issue.number,
    },
  );
  const agent = pull.user.login;
  const attempt = await attemptOfPull(scope, {
    owner: comment.owner,
    repo: comment.repo,
    number: pull.number,
    author: agent,
  });
  const recorded = await readAttempt(scope.github, scope.ledger, {
    task_id: task.id,
    agent,
    attempt,
  });
  if (recorded) {
    await reply(
      scope,
      comment,
      `lancer:regrade ${comment.commentId}`,
      `Attempt ${attempt} of @${agent} is recorded (${recorded.verdict}, ${formatCents(recorded.payout_cents)}); the ledger is append-only, so it is not graded again.`,
    );
    return { action: "answered", command: "regrade", detail: "already recorded" };
  }
  const queued = await findOwnCheckRun(scope, comment.repo, pull.head.sha, task.id, attempt);
  if (!queued) return skipped("this attempt was never queued (open or reopen the pull request)");
  await dispatchGrading(scope, {
    repo: comment.repo,
    pullRequest: pull.number,
    sha: pull.head.sha,
    taskId: task.id,
    attempt,
    agent,
    checkRunId: queued.id,
  });
  await react(scope, comment, "rocket");
  return { action: "answered", command: "regrade" };
}

async function reply(
  scope: ArenaScope,
  comment: CommentFacts,
  key: string,
  text: string,
): Promise<void> {
  await upsertMarkedComment(
    scope.github,
    {
      owner: comment.owner,
      repo: comment.repo,
      issueNumber: comment.issue.number,
      marker: `<!-- ${key} -->`,
      author: scope.app.botLogin,
    },
    text,
  );
}

/** Whether the app already put this reaction on the command's comment. */
async function reacted(
  scope: ArenaScope,
  comment: CommentFacts,
  content: "+1" | "rocket",
): Promise<boolean> {
  const reactions = await listAll<{ user: { login: string } | null }>(
    scope.github,
    "GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    { owner: comment.owner, repo: comment.repo, comment_id: comment.commentId, content },
  );
  return reactions.some((r) => r.user?.login === scope.app.botLogin);
}

/** Acknowledges a command with a reaction on its comment. */
async function react(
  scope: ArenaScope,
  comment: CommentFacts,
  content: "+1" | "rocket",
): Promise<void> {
  await scope.github.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
    owner: comment.owner,
    repo: comment.repo,
    comment_id: comment.commentId,
    content,
  });
}
