import { repoFor } from "../auth/permissions.ts";
import { ApiError, notFound, validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import type { Router } from "../http/router.ts";
import { prepareDispatch } from "../runner/dispatch.ts";
import { jobLogText, logUrlValid, signLogUrl } from "../runner/job-logs.ts";
import { cancelRun, originOf } from "../runner/run-registry.ts";
import { rerunWorkflowRun } from "../runner/run-workflow.ts";
import { findWorkflow, syncWorkflows } from "../runner/sync-workflows.ts";
import { startTriggeredRuns } from "../runner/trigger.ts";
import { workflow, workflowJob, workflowRun } from "../serialize/actions.ts";
import type { Repo, WorkflowJob, WorkflowRun } from "../state/model.ts";

const DOCS = "https://docs.github.com/rest/actions";

function idParam(context: RequestContext, name: string): number {
  const id = Number(context.params[name]);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound();
  return id;
}

async function workflowParam(context: RequestContext, repo: Repo) {
  const wf = await findWorkflow(context.sandbox, repo, context.params.workflow_id ?? "");
  if (!wf) throw notFound();
  return wf;
}

function runParam(context: RequestContext, repo: Repo): WorkflowRun {
  const run = context.sandbox.store.workflowRuns.get(idParam(context, "run_id"));
  if (!run || run.repoId !== repo.id) throw notFound();
  return run;
}

/** The run as it was at the route's `attempt_number` (the run itself for the latest attempt). */
function attemptParam(context: RequestContext, repo: Repo): WorkflowRun {
  const run = runParam(context, repo);
  const attempt = idParam(context, "attempt_number");
  if (attempt === run.runAttempt) return run;
  const earlier = run.previousAttempts?.find((a) => a.runAttempt === attempt);
  if (!earlier) throw notFound();
  return earlier;
}

function jobParam(context: RequestContext, repo: Repo): WorkflowJob {
  const job = context.sandbox.store.workflowJobs.get(idParam(context, "job_id"));
  if (!job || job.repoId !== repo.id) throw notFound();
  return job;
}

const STATUSES = ["queued", "in_progress", "completed", "requested", "waiting", "pending"];
const CONCLUSIONS = [
  "action_required",
  "cancelled",
  "failure",
  "neutral",
  "skipped",
  "stale",
  "success",
  "timed_out",
];

/** `created` as GitHub's search syntax has it: a date, `>=date`, `<date`, `from..to`. */
function createdFilter(value: string): (iso: string) => boolean {
  const day = (text: string, end: boolean) => {
    const t = Date.parse(text.length === 10 ? `${text}T${end ? "23:59:59" : "00:00:00"}Z` : text);
    if (Number.isNaN(t))
      throw validationFailed([{ resource: "WorkflowRun", field: "created", code: "invalid" }]);
    return t;
  };
  const range = /^(.+)\.\.(.+)$/.exec(value);
  if (range) {
    const from = range[1] === "*" ? -Infinity : day(range[1]!, false);
    const to = range[2] === "*" ? Infinity : day(range[2]!, true);
    return (iso) => Date.parse(iso) >= from && Date.parse(iso) <= to;
  }
  const op = /^(>=|<=|>|<)?(.+)$/.exec(value)!;
  const operator = op[1] ?? "";
  const text = op[2]!;
  const from = day(text, false);
  const to = day(text, true);
  switch (operator) {
    case ">=":
      return (iso) => Date.parse(iso) >= from;
    case ">":
      return (iso) => Date.parse(iso) > to;
    case "<=":
      return (iso) => Date.parse(iso) <= to;
    case "<":
      return (iso) => Date.parse(iso) < from;
    default:
      return (iso) => Date.parse(iso) >= from && Date.parse(iso) <= to;
  }
}

/** Runs of a repository (or one workflow) filtered as `GET …/runs` takes it, newest first. */
function listRuns(context: RequestContext, repo: Repo, workflowId?: number) {
  const { store } = context.sandbox;
  const q = context.query;
  const actor = q.get("actor");
  const branch = q.get("branch");
  const event = q.get("event");
  const status = q.get("status");
  const headSha = q.get("head_sha");
  const suite = q.get("check_suite_id");
  const created = q.get("created");
  if (status && !STATUSES.includes(status) && !CONCLUSIONS.includes(status))
    throw validationFailed([{ resource: "WorkflowRun", field: "status", code: "invalid" }]);
  const inCreated = created ? createdFilter(created) : () => true;
  const excludePulls = q.get("exclude_pull_requests") === "true";
  const runs = [...store.workflowRuns.values()]
    .filter(
      (run) =>
        run.repoId === repo.id &&
        (workflowId === undefined || run.workflowId === workflowId) &&
        (!actor || store.users.get(run.actorId)?.login.toLowerCase() === actor.toLowerCase()) &&
        (!branch || run.headBranch === branch) &&
        (!event || run.event === event) &&
        (!status || run.status === status || run.conclusion === status) &&
        (!headSha || run.headSha === headSha.toLowerCase()) &&
        (!suite || run.checkSuiteId === Number(suite)) &&
        inCreated(run.createdAt),
    )
    .sort((a, b) => b.id - a.id);
  return paginate(context, runs, (page, total) => ({
    total_count: total,
    workflow_runs: page.map((run) => {
      const body = workflowRun(context.sandbox, run);
      return excludePulls ? { ...body, pull_requests: [] } : body;
    }),
  }));
}

/** Actions: workflows, runs, jobs, dispatch, re-run, job logs. */
export function registerActionsRoutes(router: Router): void {
  router.on("GET", "/repos/:owner/:repo/actions/workflows", async (context) => {
    const repo = repoFor(context, "actions", "read");
    const workflows = await syncWorkflows(context.sandbox, repo);
    return paginate(context, workflows, (page, total) => ({
      total_count: total,
      workflows: page.map((wf) => workflow(context.sandbox, wf)),
    }));
  });

  router.on("GET", "/repos/:owner/:repo/actions/workflows/:workflow_id", async (context) => {
    const repo = repoFor(context, "actions", "read");
    return { status: 200, body: workflow(context.sandbox, await workflowParam(context, repo)) };
  });

  router.on(
    "POST",
    "/repos/:owner/:repo/actions/workflows/:workflow_id/dispatches",
    async (context) => {
      const repo = repoFor(context, "actions", "write");
      const wf = await workflowParam(context, repo);
      const body = bodyObject(context);
      const resource = "WorkflowDispatch";
      const ref = field<string>(body, "ref", "string", { resource, required: true })!;
      const inputs = field<Record<string, unknown>>(body, "inputs", "object", { resource }) ?? {};
      const details = field<boolean>(body, "return_run_details", "boolean", { resource }) ?? false;
      const trigger = await prepareDispatch(
        context.sandbox,
        repo,
        wf,
        ref,
        inputs,
        context.principal,
      );
      const [run] = await startTriggeredRuns(context.sandbox, repo, trigger);
      if (!details || !run) return { status: 204 };
      const owner = context.sandbox.store.ownerLogin(repo);
      return {
        status: 200,
        body: {
          workflow_run_id: run.id,
          run_url: `${context.sandbox.apiUrl}/repos/${owner}/${repo.name}/actions/runs/${run.id}`,
          html_url: `${context.sandbox.url}/${owner}/${repo.name}/actions/runs/${run.id}`,
        },
      };
    },
  );

  router.on("GET", "/repos/:owner/:repo/actions/runs", (context) =>
    listRuns(context, repoFor(context, "actions", "read")),
  );

  router.on("GET", "/repos/:owner/:repo/actions/workflows/:workflow_id/runs", async (context) => {
    const repo = repoFor(context, "actions", "read");
    const wf = await workflowParam(context, repo);
    return listRuns(context, repo, wf.id);
  });

  router.on("GET", "/repos/:owner/:repo/actions/runs/:run_id", (context) => {
    const repo = repoFor(context, "actions", "read");
    const body = workflowRun(context.sandbox, runParam(context, repo));
    return {
      status: 200,
      body:
        context.query.get("exclude_pull_requests") === "true"
          ? { ...body, pull_requests: [] }
          : body,
    };
  });

  router.on(
    "GET",
    "/repos/:owner/:repo/actions/runs/:run_id/attempts/:attempt_number",
    (context) => {
      const repo = repoFor(context, "actions", "read");
      const run = attemptParam(context, repo);
      const body = workflowRun(context.sandbox, run);
      return {
        status: 200,
        body:
          context.query.get("exclude_pull_requests") === "true"
            ? { ...body, pull_requests: [] }
            : body,
      };
    },
  );

  router.on(
    "GET",
    "/repos/:owner/:repo/actions/runs/:run_id/attempts/:attempt_number/jobs",
    (context) => {
      const repo = repoFor(context, "actions", "read");
      const run = attemptParam(context, repo);
      const jobs = [...context.sandbox.store.workflowJobs.values()]
        .filter((job) => job.runId === run.id && (job.runAttempt ?? 1) === run.runAttempt)
        .sort((a, b) => a.id - b.id);
      return paginate(context, jobs, (page, total) => ({
        total_count: total,
        jobs: page.map((job) => workflowJob(context.sandbox, job)),
      }));
    },
  );

  router.on("GET", "/repos/:owner/:repo/actions/runs/:run_id/jobs", (context) => {
    const repo = repoFor(context, "actions", "read");
    const run = runParam(context, repo);
    const filter = context.query.get("filter") ?? "latest";
    if (filter !== "latest" && filter !== "all")
      throw validationFailed([{ resource: "WorkflowJob", field: "filter", code: "invalid" }]);
    const jobs = [...context.sandbox.store.workflowJobs.values()]
      .filter(
        (job) =>
          job.runId === run.id && (filter === "all" || (job.runAttempt ?? 1) === run.runAttempt),
      )
      .sort((a, b) => a.id - b.id);
    return paginate(context, jobs, (page, total) => ({
      total_count: total,
      jobs: page.map((job) => workflowJob(context.sandbox, job)),
    }));
  });

  router.on("GET", "/repos/:owner/:repo/actions/jobs/:job_id", (context) => {
    const repo = repoFor(context, "actions", "read");
    return { status: 200, body: workflowJob(context.sandbox, jobParam(context, repo)) };
  });

  router.on("POST", "/repos/:owner/:repo/actions/runs/:run_id/rerun", async (context) => {
    const repo = repoFor(context, "actions", "write");
    const run = runParam(context, repo);
    const body = context.body === null ? {} : bodyObject(context);
    field<boolean>(body, "enable_debug_logging", "boolean", { resource: "WorkflowRun" });
    const origin = originOf(context.sandbox, run.id);
    if (!origin)
      throw new ApiError(403, "Unable to re-run this workflow run.", { documentationUrl: DOCS });
    if (run.status !== "completed")
      throw new ApiError(403, "This workflow is already running", { documentationUrl: DOCS });
    await rerunWorkflowRun(context.sandbox, repo, run, origin, context.principal);
    return { status: 201, body: {} };
  });

  router.on("POST", "/repos/:owner/:repo/actions/runs/:run_id/cancel", (context) => {
    const repo = repoFor(context, "actions", "write");
    const run = runParam(context, repo);
    if (run.status === "completed")
      throw new ApiError(409, "Cannot cancel a workflow run that is completed.", {
        documentationUrl: DOCS,
      });
    cancelRun(context.sandbox, run.id);
    return { status: 202, body: {} };
  });

  router.on("GET", "/repos/:owner/:repo/actions/jobs/:job_id/logs", (context) => {
    const repo = repoFor(context, "actions", "read");
    const job = jobParam(context, repo);
    const owner = context.sandbox.store.ownerLogin(repo);
    const location = `${context.sandbox.apiUrl}/repos/${owner}/${repo.name}/actions/jobs/${job.id}/logs/raw?${signLogUrl(job.id)}`;
    return { status: 302, headers: { location } };
  });

  // Not a GitHub route: where the 302 above points, like GitHub's signed log URLs (no token needed).
  router.on("GET", "/repos/:owner/:repo/actions/jobs/:job_id/logs/raw", (context) => {
    const repo = context.sandbox.store.repoByName(
      context.params.owner ?? "",
      context.params.repo ?? "",
    );
    const job = repo
      ? context.sandbox.store.workflowJobs.get(idParam(context, "job_id"))
      : undefined;
    const valid =
      job !== undefined &&
      job.repoId === repo?.id &&
      logUrlValid(job.id, context.query.get("expires") ?? "", context.query.get("signature") ?? "");
    if (!valid || !job) throw notFound();
    return {
      status: 200,
      body: jobLogText(job),
      headers: { "content-type": "text/plain; charset=utf-8" },
    };
  });
}
