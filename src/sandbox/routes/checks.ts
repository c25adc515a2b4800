import { actingUserId, repoFor } from "../auth/permissions.ts";
import { appForPrincipal } from "../checks/check-app.ts";
import { parseCheckRunBody } from "../checks/check-run-body.ts";
import { createCheckRun, updateCheckRun } from "../checks/check-runs.ts";
import { rerequestCheckRun, rerequestCheckSuite } from "../checks/check-rerequest.ts";
import { findOrCreateCheckSuite, runsOfSuite } from "../checks/check-suites.ts";
import { readCommit, resolveCommit, type CommitInfo } from "../checks/commit-info.ts";
import { latestRuns } from "../checks/rollup.ts";
import { ApiError, forbidden, notFound, validationFailed } from "../http/api-error.ts";
import { bodyObject, field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import type { Router } from "../http/router.ts";
import { checkAnnotation, checkRun, checkSuite } from "../serialize/checks.ts";
import type { App, CheckRun, CheckSuite, Repo } from "../state/model.ts";

const DOCS = "https://docs.github.com/rest/checks";

/**
 * The repository and the app of a request that writes checks. Only GitHub Apps write checks:
 * installation tokens and workflow tokens with `checks: write`; a user gets GitHub's 403.
 */
function checkWriter(context: RequestContext, docs: string): { repo: Repo; app: App } {
  if (context.principal.kind === "user") {
    repoFor(context, "metadata", "read");
    throw new ApiError(403, "You must authenticate via a GitHub App.", {
      documentationUrl: docs,
    });
  }
  const repo = repoFor(context, "checks", "write");
  const app = appForPrincipal(context.sandbox, context.principal, repo);
  if (!app) throw forbidden();
  return { repo, app };
}

function idParam(context: RequestContext, name: string): number {
  const id = Number(context.params[name]);
  if (!Number.isSafeInteger(id) || id < 1) throw notFound();
  return id;
}

function runIn(context: RequestContext, repo: Repo): CheckRun {
  const run = context.sandbox.store.checkRuns.get(idParam(context, "check_run_id"));
  if (!run || run.repoId !== repo.id) throw notFound();
  return run;
}

function suiteIn(context: RequestContext, repo: Repo): CheckSuite {
  const suite = context.sandbox.store.checkSuites.get(idParam(context, "check_suite_id"));
  if (!suite || suite.repoId !== repo.id) throw notFound();
  return suite;
}

async function commitOf(repo: Repo, sha: string): Promise<CommitInfo> {
  const commit = await readCommit(repo.gitDir, sha);
  if (!commit) throw new ApiError(422, `No commit found for SHA: ${sha}`);
  return commit;
}

/** The commit of the route's `ref` (sha, branch or tag): GitHub's 422 when there is none. */
async function refCommit(context: RequestContext, repo: Repo): Promise<string> {
  const ref = context.params.ref ?? "";
  const sha = await resolveCommit(repo.gitDir, ref);
  if (!sha) throw new ApiError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

/** An integer query parameter (`app_id`), or undefined; GitHub's 422 when it is not one. */
function integerQuery(context: RequestContext, name: string): number | undefined {
  const raw = context.query.get(name);
  if (raw === null || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value))
    throw validationFailed([{ resource: "CheckRun", field: name, code: "invalid" }]);
  return value;
}

/** Runs filtered as the list endpoints take it: `check_name`, `status`, `app_id`, `filter`. */
function filterRuns(context: RequestContext, runs: CheckRun[]): CheckRun[] {
  const name = context.query.get("check_name");
  const status = context.query.get("status");
  const filter = context.query.get("filter") ?? "latest";
  const appId = integerQuery(context, "app_id");
  if (status !== null && !["queued", "in_progress", "completed"].includes(status))
    throw validationFailed([{ resource: "CheckRun", field: "status", code: "invalid" }]);
  if (!["latest", "all"].includes(filter))
    throw validationFailed([{ resource: "CheckRun", field: "filter", code: "invalid" }]);
  const chosen = filter === "latest" ? latestRuns(runs) : runs;
  return chosen
    .filter(
      (r) =>
        (name === null || r.name === name) &&
        (status === null || r.status === status) &&
        (appId === undefined || r.appId === appId),
    )
    .sort((a, b) => b.id - a.id);
}

function runsReply(context: RequestContext, repo: Repo, runs: CheckRun[]) {
  return paginate(
    context,
    runs.map((r) => checkRun(context.sandbox, repo, r)),
    (page, total) => ({ total_count: total, check_runs: page }),
  );
}

/** Check runs and check suites. */
export function registerCheckRoutes(router: Router): void {
  router.on("POST", "/repos/:owner/:repo/check-runs", async (context) => {
    const { repo, app } = checkWriter(context, `${DOCS}/runs#create-a-check-run`);
    const changes = parseCheckRunBody(bodyObject(context));
    const headSha = changes.headSha!;
    await commitOf(repo, headSha);
    const run = await createCheckRun(
      context.sandbox,
      repo,
      { ...changes, name: changes.name!, headSha, appId: app.id },
      actingUserId(context),
    );
    return { status: 201, body: checkRun(context.sandbox, repo, run) };
  });

  router.on("GET", "/repos/:owner/:repo/check-runs/:check_run_id", (context) => {
    const repo = repoFor(context, "checks", "read");
    return { status: 200, body: checkRun(context.sandbox, repo, runIn(context, repo)) };
  });

  router.on("PATCH", "/repos/:owner/:repo/check-runs/:check_run_id", async (context) => {
    const { repo, app } = checkWriter(context, `${DOCS}/runs#update-a-check-run`);
    const run = runIn(context, repo);
    if (run.appId !== app.id)
      throw forbidden(
        `Invalid app_id \`${app.id}\` - check run can only be modified by the GitHub App that created it.`,
      );
    const changes = parseCheckRunBody(bodyObject(context), run);
    await updateCheckRun(context.sandbox, repo, run, changes, actingUserId(context));
    return { status: 200, body: checkRun(context.sandbox, repo, run) };
  });

  router.on("GET", "/repos/:owner/:repo/check-runs/:check_run_id/annotations", (context) => {
    const repo = repoFor(context, "checks", "read");
    const run = runIn(context, repo);
    return paginate(
      context,
      run.output.annotations.map((a) => checkAnnotation(context.sandbox, repo, run, a)),
    );
  });

  router.on("POST", "/repos/:owner/:repo/check-runs/:check_run_id/rerequest", (context) => {
    const { repo, app } = checkWriter(context, `${DOCS}/runs#rerequest-a-check-run`);
    const run = runIn(context, repo);
    if (run.appId !== app.id)
      throw forbidden("This check run does not belong to the authenticated GitHub App.");
    const suite = context.sandbox.store.checkSuites.get(run.checkSuiteId);
    if (run.status !== "completed" || suite?.status !== "completed")
      throw new ApiError(
        422,
        "This check run is not rerequestable: it and its check suite must be completed.",
      );
    rerequestCheckRun(context.sandbox, repo, run, actingUserId(context));
    return { status: 201, body: {} };
  });

  router.on("GET", "/repos/:owner/:repo/commits/:ref/check-runs", async (context) => {
    const repo = repoFor(context, "checks", "read");
    const sha = await refCommit(context, repo);
    const runs = [...context.sandbox.store.checkRuns.values()].filter(
      (r) => r.repoId === repo.id && r.headSha === sha,
    );
    return runsReply(context, repo, filterRuns(context, runs));
  });

  router.on("POST", "/repos/:owner/:repo/check-suites", async (context) => {
    const { repo, app } = checkWriter(context, `${DOCS}/suites#create-a-check-suite`);
    const body = bodyObject(context);
    const headSha = field<string>(body, "head_sha", "string", {
      resource: "CheckSuite",
      required: true,
    })!;
    const commit = await commitOf(repo, headSha);
    const { suite, created } = await findOrCreateCheckSuite(context.sandbox, repo, headSha, app.id);
    return {
      status: created ? 201 : 200,
      body: checkSuite(context.sandbox, repo, suite, commit),
    };
  });

  router.on("GET", "/repos/:owner/:repo/check-suites/:check_suite_id", async (context) => {
    const repo = repoFor(context, "checks", "read");
    const suite = suiteIn(context, repo);
    const commit = await commitOf(repo, suite.headSha);
    return { status: 200, body: checkSuite(context.sandbox, repo, suite, commit) };
  });

  router.on("GET", "/repos/:owner/:repo/check-suites/:check_suite_id/check-runs", (context) => {
    const repo = repoFor(context, "checks", "read");
    const suite = suiteIn(context, repo);
    return runsReply(context, repo, filterRuns(context, runsOfSuite(context.sandbox, suite)));
  });

  router.on(
    "POST",
    "/repos/:owner/:repo/check-suites/:check_suite_id/rerequest",
    async (context) => {
      const { repo } = checkWriter(context, `${DOCS}/suites#rerequest-a-check-suite`);
      const suite = suiteIn(context, repo);
      const commit = await commitOf(repo, suite.headSha);
      rerequestCheckSuite(context.sandbox, repo, suite, commit, actingUserId(context));
      return { status: 201, body: {} };
    },
  );

  router.on("GET", "/repos/:owner/:repo/commits/:ref/check-suites", async (context) => {
    const repo = repoFor(context, "checks", "read");
    const sha = await refCommit(context, repo);
    const commit = await commitOf(repo, sha);
    const appId = integerQuery(context, "app_id");
    const name = context.query.get("check_name");
    const { sandbox } = context;
    const suites = [...sandbox.store.checkSuites.values()]
      .filter(
        (s) =>
          s.repoId === repo.id &&
          s.headSha === sha &&
          (appId === undefined || s.appId === appId) &&
          (name === null || runsOfSuite(sandbox, s).some((r) => r.name === name)),
      )
      .sort((a, b) => a.id - b.id);
    return paginate(
      context,
      suites.map((s) => checkSuite(sandbox, repo, s, commit)),
      (page, total) => ({ total_count: total, check_suites: page }),
    );
  });
}
