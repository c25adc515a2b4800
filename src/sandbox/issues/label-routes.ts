import { actingUserId } from "../auth/permissions.ts";
import { ApiError, notFound, validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import type { Router } from "../http/router.ts";
import { label } from "../serialize/label.ts";
import type { Issue, Label, Repo } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import { issueFor, labelAdminRepo, readableRepo, triageIssue } from "./access.ts";
import { emitLabelChanges } from "./events.ts";
import {
  applyLabelPlan,
  DEFAULT_LABEL_COLOR,
  labelColor,
  labelName,
  labelNames,
  planLabels,
} from "./labels.ts";
import { fullName, issueLabels, labelByName, repoLabels } from "./queries.ts";

/** The route's label (`name`, URL-decoded by the router), 404 when the repository has none such. */
function labelFor(context: RequestContext, repo: Repo): Label {
  const found = labelByName(context.sandbox.store, repo.id, context.params.name ?? "");
  if (!found) throw notFound();
  return found;
}

/** A name no other label of the repository has (case-insensitively); 422 `already_exists` otherwise. */
function freeName(context: RequestContext, repo: Repo, name: string, except?: Label): string {
  const taken = labelByName(context.sandbox.store, repo.id, name);
  if (taken && taken.id !== except?.id)
    throw validationFailed([{ resource: "Label", field: "name", code: "already_exists" }]);
  return name;
}

/**
 * The label names of "add labels" and "set labels": `{ labels: [...] }`, a bare array, or a
 * bare string (set labels), items being names or `{ name }` objects.
 */
function namesFromBody(context: RequestContext, allowEmpty: boolean): string[] {
  const raw = context.body;
  const value = Array.isArray(raw)
    ? raw
    : typeof raw === "string"
      ? [raw]
      : raw === undefined
        ? []
        : (bodyObject(context).labels ?? []);
  const names = labelNames(value);
  if (names.length === 0 && !allowEmpty)
    throw validationFailed([{ resource: "Label", field: "labels", code: "missing_field" }]);
  return names;
}

function labelsOf(context: RequestContext, repo: Repo, issue: Issue) {
  return issueLabels(context.sandbox.store, issue).map((l) => label(context.sandbox, repo, l));
}

/** Changes an issue's labels to `labelIds`, with `labeled` / `unlabeled` webhooks for the difference. */
function relabel(context: RequestContext, repo: Repo, issue: Issue, labelIds: number[]): void {
  const before = issue.labelIds;
  if (before.join() === labelIds.join()) return;
  issue.labelIds = labelIds;
  issue.updatedAt = timestamp();
  emitLabelChanges(context.sandbox, repo, issue, before, actingUserId(context));
}

/** Repository labels and the labels on issues. */
export function registerLabelRoutes(router: Router): void {
  router.on("GET", "/repos/:owner/:repo/labels", (context) => {
    const repo = readableRepo(context);
    return paginate(
      context,
      repoLabels(context.sandbox.store, repo.id).map((l) => label(context.sandbox, repo, l)),
    );
  });

  router.on("POST", "/repos/:owner/:repo/labels", (context) => {
    const { sandbox } = context;
    const repo = labelAdminRepo(context);
    const body = bodyObject(context);
    const name = freeName(
      context,
      repo,
      labelName(field<string>(body, "name", "string", { resource: "Label", required: true })!),
    );
    const color = field<string>(body, "color", "string", { resource: "Label" });
    const description = field<string>(body, "description", "string", {
      resource: "Label",
      nullable: true,
    });
    const created: Label = {
      id: 0,
      repoId: repo.id,
      name,
      color: color === undefined ? DEFAULT_LABEL_COLOR : labelColor(color),
      description: description ?? null,
      default: false,
    };
    created.id = sandbox.store.nextId();
    sandbox.store.labels.set(created.id, created);
    return {
      status: 201,
      body: label(sandbox, repo, created),
      headers: {
        location: `${sandbox.apiUrl}/repos/${fullName(sandbox.store, repo)}/labels/${encodeURIComponent(name)}`,
      },
    };
  });

  router.on("GET", "/repos/:owner/:repo/labels/:name", (context) => {
    const repo = readableRepo(context);
    return { status: 200, body: label(context.sandbox, repo, labelFor(context, repo)) };
  });

  router.on("PATCH", "/repos/:owner/:repo/labels/:name", (context) => {
    const repo = labelAdminRepo(context);
    const found = labelFor(context, repo);
    const body = bodyObject(context);
    const newName = field<string>(body, "new_name", "string", { resource: "Label" });
    const name =
      newName === undefined ? undefined : freeName(context, repo, labelName(newName), found);
    const colorValue = field<string>(body, "color", "string", { resource: "Label" });
    const color = colorValue === undefined ? undefined : labelColor(colorValue);
    const description = field<string>(body, "description", "string", {
      resource: "Label",
      nullable: true,
    });
    if (name !== undefined) found.name = name;
    if (color !== undefined) found.color = color;
    if (description !== undefined) found.description = description;
    return { status: 200, body: label(context.sandbox, repo, found) };
  });

  router.on("DELETE", "/repos/:owner/:repo/labels/:name", (context) => {
    const { store } = context.sandbox;
    const repo = labelAdminRepo(context);
    const found = labelFor(context, repo);
    store.labels.delete(found.id);
    for (const issue of store.issues.values())
      if (issue.repoId === repo.id && issue.labelIds.includes(found.id))
        issue.labelIds = issue.labelIds.filter((id) => id !== found.id);
    return { status: 204 };
  });

  router.on("GET", "/repos/:owner/:repo/issues/:issue_number/labels", (context) => {
    const repo = readableRepo(context);
    return paginate(context, labelsOf(context, repo, issueFor(context, repo)));
  });

  router.on("POST", "/repos/:owner/:repo/issues/:issue_number/labels", (context) => {
    const { repo, issue } = triageIssue(context);
    const plan = planLabels(context.sandbox.store, repo.id, namesFromBody(context, false));
    const added = applyLabelPlan(context.sandbox.store, plan).map((l) => l.id);
    relabel(context, repo, issue, [
      ...issue.labelIds,
      ...added.filter((id) => !issue.labelIds.includes(id)),
    ]);
    return { status: 200, body: labelsOf(context, repo, issue) };
  });

  router.on("PUT", "/repos/:owner/:repo/issues/:issue_number/labels", (context) => {
    const { repo, issue } = triageIssue(context);
    const plan = planLabels(context.sandbox.store, repo.id, namesFromBody(context, true));
    relabel(
      context,
      repo,
      issue,
      applyLabelPlan(context.sandbox.store, plan).map((l) => l.id),
    );
    return { status: 200, body: labelsOf(context, repo, issue) };
  });

  router.on("DELETE", "/repos/:owner/:repo/issues/:issue_number/labels", (context) => {
    const { repo, issue } = triageIssue(context);
    relabel(context, repo, issue, []);
    return { status: 204 };
  });

  router.on("DELETE", "/repos/:owner/:repo/issues/:issue_number/labels/:name", (context) => {
    const { repo, issue } = triageIssue(context);
    const found = labelByName(context.sandbox.store, repo.id, context.params.name ?? "");
    if (!found || !issue.labelIds.includes(found.id))
      throw new ApiError(404, "Label does not exist");
    relabel(
      context,
      repo,
      issue,
      issue.labelIds.filter((id) => id !== found.id),
    );
    return { status: 200, body: labelsOf(context, repo, issue) };
  });
}
