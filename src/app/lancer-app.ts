import type { ApplicationFunction, Context, Probot } from "probot";
import { answerCommand } from "../github/arena/answer-command.ts";
import { parseCommand } from "../github/arena/parse-command.ts";
import type { ArenaScope } from "../github/arena/scope.ts";
import { reviewPullRequest } from "../github/arena/review-pull-request.ts";
import { settleGrading } from "../github/arena/settle-grading.ts";
import { submitPullRequest } from "../github/arena/submit-pull-request.ts";
import { DEFAULT_GRADER_REPO } from "../github/lancer-config.ts";
import { OrgConfigSource } from "../github/org-config-source.ts";
import { TtlCache } from "../github/ttl-cache.ts";
import type { Catalogue } from "../core/ledger/ledger-record.ts";
import type { TaskFile } from "../core/task/schema.ts";
import { publishLeaderboard } from "../github/publish-leaderboard.ts";
import { reportConfigCheck } from "../github/arena/report-config.ts";
import { appIdentity, arenaScope } from "./arena-scope.ts";
import { WorkTracker } from "./work-tracker.ts";

export interface LancerAppOptions {
  /** The grader repository's name in each org (default `lancer-grader`). */
  graderRepo?: string;
  /** Counts handlers at work, so a demo or a test can wait for the app to be done. */
  tracker?: WorkTracker;
  /** The app's clock: deadlines and grading times are read from it (tests move it). */
  now?: () => Date;
}

interface RepositoryPayload {
  repository: { name: string; owner: { login: string }; html_url: string; full_name: string };
}

function serverUrlOf(payload: RepositoryPayload): string {
  return new URL(payload.repository.html_url).origin;
}

/**
 * The Lancer app: handlers only. Each one builds the org's scope, hands the event to the
 * arena logic in src/github/arena and logs what it decided.
 */
export function lancerApp(options: LancerAppOptions = {}): ApplicationFunction {
  const configs = new OrgConfigSource(options.graderRepo ?? DEFAULT_GRADER_REPO);
  // A task's price and answer change only when the bank is seeded again.
  const tasks = new TtlCache<TaskFile | undefined>(60_000);
  // The ledger's catalogue of tasks (issue numbers): rewritten only by a new seeding.
  const catalogues = new TtlCache<Catalogue | undefined>(60_000);
  const tracker = options.tracker ?? new WorkTracker();
  return (app: Probot) => {
    const identity = appIdentity(app);
    const withScope = async (
      context: Context,
      payload: RepositoryPayload,
      work: (scope: ArenaScope) => Promise<void>,
    ) => {
      await tracker.track(async () => {
        const org = payload.repository.owner.login;
        const scope = await arenaScope(
          context,
          org,
          { configs, tasks, catalogues, now: options.now ?? (() => new Date()) },
          identity,
          serverUrlOf(payload),
        );
        if (!scope) {
          context.log.warn(`${org}: no usable Lancer configuration; ${context.name} ignored`);
          return;
        }
        await work(scope);
      });
    };
    const publish = async (scope: ArenaScope) => {
      const result = await publishLeaderboard({
        serverUrl: scope.serverUrl,
        owner: scope.ledger.owner,
        repo: scope.ledger.repo,
        token: await scope.gitToken(),
      });
      for (const problem of result.problems) scope.log.warn(`ledger: ${problem}`);
      scope.log.info(
        `leaderboard: ${result.records} records, ${result.changed ? "updated" : "unchanged"}`,
      );
    };

    // Each delivery handled here is checked first against its shape in payload-shapes.ts
    // (test/bad-input/webhooks.test.ts fails when an event below has none).
    app.on(
      [
        "pull_request.opened",
        "pull_request.reopened",
        "pull_request.ready_for_review",
        "pull_request.synchronize",
      ],
      async (context) => {
        const { payload } = context;
        if (payload.pull_request.draft || payload.pull_request.state !== "open") return;
        await withScope(context, payload, async (scope) => {
          if (payload.action === "synchronize" && !scope.config.grading.synchronize) return;
          const pr = payload.pull_request;
          const outcome = await submitPullRequest(scope, {
            action: payload.action,
            owner: payload.repository.owner.login,
            repo: payload.repository.name,
            number: pr.number,
            headSha: pr.head.sha,
            author: pr.user?.login ?? "",
            draft: pr.draft ?? false,
            state: pr.state,
            createdAt: pr.created_at,
            htmlUrl: pr.html_url,
          });
          context.log.info(
            `${payload.repository.full_name}#${pr.number}: ${outcome.action}${"why" in outcome ? ` (${outcome.why})` : ""}`,
          );
        });
      },
    );

    app.on("workflow_run.completed", async (context) => {
      const { payload } = context;
      if (payload.repository.name !== configs.graderRepo) return;
      await withScope(context, payload, async (scope) => {
        const run = payload.workflow_run;
        const outcome = await settleGrading(scope, {
          id: run.id,
          path: run.path ?? "",
          event: run.event,
          headBranch: run.head_branch,
          displayTitle: run.display_title ?? "",
          htmlUrl: run.html_url,
          repository: payload.repository.full_name,
          defaultBranch: payload.repository.default_branch,
        });
        context.log.info(
          `workflow run ${run.id}: ${outcome.action}${"why" in outcome ? ` (${outcome.why})` : ""}`,
        );
        if (outcome.action === "recorded") await publish(scope);
      });
    });

    app.on("issue_comment.created", async (context) => {
      const { payload } = context;
      // Most comments are conversation (or the app's own): no scope, no request for them.
      if (payload.comment.user?.type === "Bot" || !parseCommand(payload.comment.body)) return;
      await withScope(context, payload, async (scope) => {
        const outcome = await answerCommand(scope, {
          owner: payload.repository.owner.login,
          repo: payload.repository.name,
          commentId: payload.comment.id,
          body: payload.comment.body,
          author: payload.comment.user?.login ?? "",
          createdAt: payload.comment.created_at,
          htmlUrl: payload.comment.html_url,
          issue: payload.issue,
        });
        context.log.info(
          `${payload.repository.full_name}#${payload.issue.number} comment ${payload.comment.id}: ${outcome.action}${"why" in outcome ? ` (${outcome.why})` : ""}`,
        );
        if (outcome.action === "answered" && outcome.command === "select") await publish(scope);
      });
    });

    app.on("pull_request_review.submitted", async (context) => {
      const { payload } = context;
      const review = payload.review;
      await withScope(context, payload, async (scope) => {
        const outcome = await reviewPullRequest(scope, {
          owner: payload.repository.owner.login,
          repo: payload.repository.name,
          pullRequest: payload.pull_request.number,
          author: payload.pull_request.user?.login ?? "",
          reviewer: review.user?.login ?? "",
          state: review.state,
          commitId: review.commit_id,
          submittedAt: review.submitted_at ?? null,
        });
        context.log.info(
          `${payload.repository.full_name}#${payload.pull_request.number} review: ${outcome.action}${"why" in outcome ? ` (${outcome.why})` : ""}`,
        );
        if (outcome.action === "recorded") await publish(scope);
      });
    });

    app.on("push", async (context) => {
      const { payload } = context;
      if (payload.repository.name !== configs.graderRepo) return;
      if (payload.ref !== `refs/heads/${payload.repository.default_branch}`) return;
      await tracker.track(() => reportConfigCheck(context.octokit, configs, payload, context.log));
    });
  };
}
