import { actingUserId } from "../auth/permissions.ts";
import { ApiError } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import type { Router } from "../http/router.ts";
import { issue as serializeIssue } from "../serialize/issue.ts";
import type { Issue, Repo } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { issueFor, mayEditAuthored, mayTriage, participate, readableRepo } from "./access.ts";
import { assignableIds, assigneeLogins, MAX_ASSIGNEES } from "./assignees.ts";
import { storeNewIssue } from "./create-issue.ts";
import { emitAssigneeChanges, emitIssueEvent, emitLabelChanges } from "./events.ts";
import { milestoneField, oneOf, titleField } from "./issue-fields.ts";
import { applyLabelPlan, labelNames, planLabels, type PlannedLabel } from "./labels.ts";
import { listIssues } from "./list-issues.ts";
import { fullName } from "./queries.ts";

/** The labels and assignees a request asks for, validated; undefined where it does not touch them. */
interface TriageFields {
  labels: PlannedLabel[] | undefined;
  assigneeIds: number[] | undefined;
}

/**
 * Reads `labels`, `assignees` (and the older `assignee`) and `milestone`. Callers who may not
 * triage have them silently dropped, as GitHub does; for the others an unknown assignee is a 422.
 */
function triageFields(
  context: RequestContext,
  repo: Repo,
  body: Record<string, unknown>,
  issue?: Issue,
): TriageFields {
  const { store } = context.sandbox;
  const labels = body.labels === undefined ? undefined : labelNames(body.labels);
  const logins = body.assignees === undefined ? undefined : assigneeLogins(body.assignees);
  const single = field<string>(body, "assignee", "string", { resource: "Issue", nullable: true });
  milestoneField(body);
  if (!mayTriage(context, repo, issue)) return { labels: undefined, assigneeIds: undefined };
  const wanted = logins ?? (single === undefined ? undefined : single === null ? [] : [single]);
  const assigneeIds =
    wanted === undefined
      ? undefined
      : assignableIds(store, repo, wanted, true).slice(0, MAX_ASSIGNEES);
  return {
    labels: labels === undefined ? undefined : planLabels(store, repo.id, labels),
    assigneeIds,
  };
}

function created(context: RequestContext, repo: Repo, issue: Issue) {
  const { sandbox } = context;
  return {
    status: 201,
    body: serializeIssue(sandbox, repo, issue),
    headers: {
      location: `${sandbox.apiUrl}/repos/${fullName(sandbox.store, repo)}/issues/${issue.number}`,
    },
  };
}

/** Create, get, list and update issues. */
export function registerIssueCoreRoutes(router: Router): void {
  router.on("POST", "/repos/:owner/:repo/issues", (context) => {
    const { sandbox } = context;
    const repo = readableRepo(context);
    const userId = participate(context, repo);
    if (!repo.hasIssues) throw new ApiError(410, "Issues are disabled for this repo");
    const body = bodyObject(context);
    const title = titleField(body, true)!;
    const text = field<string>(body, "body", "string", { resource: "Issue", nullable: true });
    const triage = triageFields(context, repo, body);
    // Everything is valid: now change state.
    const issue = storeNewIssue(sandbox.store, repo, {
      title,
      body: text ?? null,
      userId,
      labelIds: applyLabelPlan(sandbox.store, triage.labels ?? []).map((l) => l.id),
      assigneeIds: triage.assigneeIds ?? [],
    });
    emitIssueEvent(sandbox, repo, issue, "opened", userId);
    emitLabelChanges(sandbox, repo, issue, [], userId);
    emitAssigneeChanges(sandbox, repo, issue, [], userId);
    return created(context, repo, issue);
  });

  router.on("GET", "/repos/:owner/:repo/issues/:issue_number", (context) => {
    const repo = readableRepo(context);
    return { status: 200, body: serializeIssue(context.sandbox, repo, issueFor(context, repo)) };
  });

  router.on("GET", "/repos/:owner/:repo/issues", (context) => {
    const repo = readableRepo(context);
    const issues = listIssues(context.sandbox.store, repo, context.query);
    return paginate(
      context,
      issues.map((i) => serializeIssue(context.sandbox, repo, i)),
    );
  });

  router.on("PATCH", "/repos/:owner/:repo/issues/:issue_number", (context) => {
    const { sandbox } = context;
    const repo = readableRepo(context);
    const issue = issueFor(context, repo);
    const userId = actingUserId(context);
    mayEditAuthored(context, repo, issue.userId, issue);
    const body = bodyObject(context);
    const title = titleField(body, false);
    const text = field<string>(body, "body", "string", { resource: "Issue", nullable: true });
    const state = oneOf(body, "state", ["open", "closed"]);
    const reason = oneOf(
      body,
      "state_reason",
      ["completed", "not_planned", "duplicate", "reopened"],
      true,
    );
    if (state === "closed" && issue.state === "open" && reason === "reopened")
      throw new ApiError(422, "Validation Failed", {
        errors: [{ resource: "Issue", field: "state_reason", code: "invalid" }],
      });
    const triage = triageFields(context, repo, body, issue);
    // Everything is valid: now change state.
    const changes: Record<string, { from: string }> = {};
    if (title !== undefined && title !== issue.title) {
      changes.title = { from: issue.title };
      issue.title = title;
    }
    if (text !== undefined && text !== issue.body) {
      changes.body = { from: issue.body ?? "" };
      issue.body = text;
    }
    const before = {
      state: issue.state,
      labelIds: [...issue.labelIds],
      assigneeIds: [...issue.assigneeIds],
    };
    const now = timestamp();
    if (state === "closed" && issue.state === "open") {
      Object.assign(issue, {
        state,
        stateReason: reason ?? "completed",
        closedAt: now,
        closedById: userId,
      });
    } else if (state === "open" && issue.state === "closed") {
      Object.assign(issue, { state, stateReason: "reopened", closedAt: null, closedById: null });
    }
    if (triage.labels)
      issue.labelIds = applyLabelPlan(sandbox.store, triage.labels).map((l) => l.id);
    if (triage.assigneeIds) issue.assigneeIds = triage.assigneeIds;
    const changed =
      Object.keys(changes).length > 0 ||
      before.state !== issue.state ||
      before.labelIds.join() !== issue.labelIds.join() ||
      before.assigneeIds.join() !== issue.assigneeIds.join();
    if (changed) issue.updatedAt = now;
    if (Object.keys(changes).length > 0)
      emitIssueEvent(sandbox, repo, issue, "edited", userId, { changes });
    if (before.state !== issue.state)
      emitIssueEvent(
        sandbox,
        repo,
        issue,
        issue.state === "closed" ? "closed" : "reopened",
        userId,
      );
    emitLabelChanges(sandbox, repo, issue, before.labelIds, userId);
    emitAssigneeChanges(sandbox, repo, issue, before.assigneeIds, userId);
    return { status: 200, body: serializeIssue(sandbox, repo, issue) };
  });
}
