import { Octokit } from "octokit";
import { beforeAll, describe, expect, it } from "vitest";
import { gitOutput } from "../../src/core/git/git.ts";
import { issueToken, newToken } from "../../src/sandbox/auth/tokens.ts";
import { createCheckRun } from "../../src/sandbox/checks/check-runs.ts";
import { contractOctokit, startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";

const fx = await startSandboxFixture();
const org = fx.running.org;
const { store } = fx.running.sandbox;
const repo = "checked";
const base = { owner: org, repo };
let bot: Octokit;
/** The same installation token without the contract checks. */
let botPlain: Octokit;
let admin: Octokit;
let main = "";

/** A contract-checked client (nullable enums such as an unfinished run's `conclusion` included). */
const contract = (token: string): Octokit => contractOctokit(fx.running.apiUrl, token);

/** A client that checks nothing, for statuses GitHub sends but does not document (403, 422). */
const plain = (token: string) =>
  new Octokit({
    baseUrl: fx.running.apiUrl,
    auth: token,
    retry: { enabled: false },
    throttle: { enabled: false },
  });

/**
 * A new commit on `branch` of the test repository (plumbing on the bare repository), by the
 * admin.
 */
async function commitOn(branch: string, message: string): Promise<string> {
  const cwd = store.repoByName(org, repo)!.gitDir;
  const email = "lancer-admin@sandbox.invalid";
  const env = { GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_EMAIL: email };
  const tree = await gitOutput(["rev-parse", `${main}^{tree}`], { cwd });
  const sha = await gitOutput(["commit-tree", tree, "-p", main, "-m", message], { cwd, env });
  await gitOutput(["update-ref", `refs/heads/${branch}`, sha], { cwd });
  return sha;
}

/** Deliveries of an event for one check run or suite id (by `check_run.id` / `check_suite.id`). */
async function delivered(event: "check_run" | "check_suite", id: number | bigint) {
  await fx.settled();
  const key = event === "check_run" ? "check_run" : "check_suite";
  return fx.deliveries.filter(
    (d) => d.event === event && (d.payload[key] as { id: number }).id === Number(id),
  );
}

const annotation = (line: number) => ({
  path: "README.md",
  start_line: line,
  end_line: line,
  annotation_level: "warning" as const,
  message: `line ${line}`,
});

beforeAll(async () => {
  await fx.admin.request("POST /orgs/{org}/repos", { org, name: repo, auto_init: true });
  main = await gitOutput(["rev-parse", "main"], { cwd: store.repoByName(org, repo)!.gitDir });
  main = await commitOn("main", "second commit");
  const token = ((await (await fx.installation()).auth()) as { token: string }).token;
  bot = contract(token);
  botPlain = plain(token);
  admin = contract(fx.running.tokens.admin);
});

describe("sandbox: check runs", () => {
  it("creates a run as the app, in a suite for its head sha, and sends check_run.created", async () => {
    const { status, data } = await bot.request("POST /repos/{owner}/{repo}/check-runs", {
      ...base,
      name: "lint",
      head_sha: main,
      external_id: "ext-1",
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({ name: "lint", head_sha: main, status: "queued" });
    expect(data.conclusion).toBeNull();
    expect(data.started_at).toEqual(expect.any(String));
    expect(data.app?.slug).toBe("lancer");
    expect(data.external_id).toBe("ext-1");
    const suite = await bot.request("GET /repos/{owner}/{repo}/check-suites/{check_suite_id}", {
      ...base,
      check_suite_id: data.check_suite!.id,
    });
    expect(suite.data).toMatchObject({ head_sha: main, head_branch: "main", status: "queued" });
    expect(suite.data.head_commit.id).toBe(main);
    const [created] = await delivered("check_run", data.id);
    expect(created?.signatureValid).toBe(true);
    expect(created?.payload).toMatchObject({ action: "created", sender: { login: "lancer[bot]" } });
  });

  it("refuses users (403) and bad bodies (422), and changes nothing", async () => {
    const runs = store.checkRuns.size;
    const suites = store.checkSuites.size;
    const hooks = (await fx.settled(), fx.deliveries.length);
    const create = (client: Octokit, body: Record<string, unknown>) =>
      statusOf(client.request(`POST /repos/${org}/${repo}/check-runs`, body));
    const user = plain(fx.running.tokens.admin);
    expect(await create(user, { name: "x", head_sha: main })).toBe(403);
    const refused = await user
      .request("POST /repos/{owner}/{repo}/check-runs", { ...base, name: "x", head_sha: main })
      .catch((e: { response: { data: { message: string } } }) => e.response.data);
    expect(refused).toMatchObject({ message: "You must authenticate via a GitHub App." });
    const x = { name: "x", head_sha: main };
    const output = (...annotations: unknown[]) => ({ title: "t", summary: "s", annotations });
    const many = Array.from({ length: 51 }, (_, i) => annotation(i + 1));
    const bad: Array<Record<string, unknown>> = [
      { ...x, head_sha: "f".repeat(40) },
      { ...x, head_sha: "main" },
      { head_sha: main },
      { ...x, status: "completed" },
      { ...x, completed_at: "2024-01-01T00:00:00Z" },
      { ...x, conclusion: "stale" },
      { ...x, output: output({ ...annotation(1), message: undefined }) },
      { ...x, output: output({ ...annotation(1), end_line: 3, start_column: 1 }) },
      { ...x, output: output(...many) },
    ];
    for (const body of bad) expect(await create(botPlain, body), JSON.stringify(body)).toBe(422);
    expect([store.checkRuns.size, store.checkSuites.size]).toEqual([runs, suites]);
    await fx.settled();
    expect(fx.deliveries.length).toBe(hooks);
  });

  it("updates a run through to completion, appends annotations, completes the suite", async () => {
    const sha = await commitOn("feature", "feature work");
    const { data: run } = await bot.request("POST /repos/{owner}/{repo}/check-runs", {
      ...base,
      name: "test",
      head_sha: sha,
      status: "in_progress",
      output: { title: "Tests", summary: "running", annotations: [annotation(1)] },
    });
    const patch = (body: Record<string, unknown>) =>
      bot.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        ...base,
        check_run_id: run.id,
        ...body,
      });
    const badPatch = await statusOf(
      botPlain.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        ...base,
        check_run_id: run.id,
        status: "completed",
      }),
    );
    expect(badPatch).toBe(422);
    await patch({ output: { summary: "still running", annotations: [annotation(2)] } });
    const done = await patch({ conclusion: "failure", output: { summary: "1 failed" } });
    expect(done.data).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(done.data.completed_at).toEqual(expect.any(String));
    expect(done.data.output).toMatchObject({
      title: "Tests",
      summary: "1 failed",
      annotations_count: 2,
    });
    const got = await admin.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...base,
      check_run_id: run.id,
    });
    expect(got.data.conclusion).toBe("failure");
    const notes = await admin.request(
      "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
      { ...base, check_run_id: run.id, per_page: 1 },
    );
    expect(notes.data).toHaveLength(1);
    expect(notes.headers.link).toContain('rel="next"');
    const all = await admin.paginate(
      "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
      { ...base, check_run_id: Number(run.id) },
    );
    expect(all.map((a) => a.message)).toEqual(["line 1", "line 2"]);
    const suite = await admin.request("GET /repos/{owner}/{repo}/check-suites/{check_suite_id}", {
      ...base,
      check_suite_id: run.check_suite!.id,
    });
    expect(suite.data).toMatchObject({
      status: "completed",
      conclusion: "failure",
      head_branch: "feature",
    });
    const runHooks = await delivered("check_run", run.id);
    expect(runHooks.map((d) => d.payload.action)).toEqual(["created", "completed"]);
    const suiteHooks = await delivered("check_suite", run.check_suite!.id);
    expect(suiteHooks.map((d) => d.payload.action)).toEqual(["completed"]);
    expect(suiteHooks[0]?.payload).toMatchObject({ check_suite: { conclusion: "failure" } });
  });

  it("completes a suite only when its last run completes, with the worst conclusion", async () => {
    const sha = await commitOn("two-runs", "two runs");
    const create = (name: string) =>
      bot.request("POST /repos/{owner}/{repo}/check-runs", { ...base, name, head_sha: sha });
    const [a, b] = [(await create("a")).data, (await create("b")).data];
    expect(a.check_suite?.id).toBe(b.check_suite?.id);
    const finish = (id: number | bigint, conclusion: "success" | "timed_out") =>
      bot.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        ...base,
        check_run_id: Number(id),
        conclusion,
      });
    await finish(a.id, "timed_out");
    expect(await delivered("check_suite", a.check_suite!.id)).toHaveLength(0);
    await finish(b.id, "success");
    const hooks = await delivered("check_suite", a.check_suite!.id);
    expect(
      hooks.map((d) => [
        d.payload.action,
        (d.payload.check_suite as { conclusion: string }).conclusion,
      ]),
    ).toEqual([["completed", "timed_out"]]);
    expect(
      (hooks[0]?.payload.check_suite as { latest_check_runs_count: number })
        .latest_check_runs_count,
    ).toBe(2);
  });

  it("lists runs for a ref with check_name, status, app_id and filter", async () => {
    const sha = await commitOn("listed", "listed");
    const create = (name: string, conclusion?: "success") =>
      bot.request("POST /repos/{owner}/{repo}/check-runs", {
        ...base,
        name,
        head_sha: sha,
        ...(conclusion ? { conclusion } : {}),
      });
    await create("build", "success");
    await create("build");
    await create("docs", "success");
    type Query = { ref: string; filter?: "all"; check_name?: string; per_page?: number };
    const list = (query: Query & { status?: "completed"; app_id?: number }) =>
      admin.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { ...base, ...query });
    const latest = await list({ ref: "listed" });
    expect(latest.data.total_count).toBe(2);
    expect(latest.data.check_runs.map((r) => [r.name, r.status]).sort()).toEqual([
      ["build", "queued"],
      ["docs", "completed"],
    ]);
    expect((await list({ ref: sha, filter: "all" })).data.total_count).toBe(3);
    expect((await list({ ref: sha, filter: "all", check_name: "build" })).data.total_count).toBe(2);
    expect(
      (await list({ ref: sha, status: "completed" })).data.check_runs.map((r) => r.name),
    ).toEqual(["docs"]);
    expect((await list({ ref: sha, app_id: fx.running.app.id })).data.total_count).toBe(2);
    expect((await list({ ref: sha, app_id: 1 })).data.total_count).toBe(0);
    expect((await list({ ref: sha, per_page: 1 })).data.check_runs).toHaveLength(1);
    const unknown = plain(fx.running.tokens.admin).request(
      "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
      { ...base, ref: "no-such-branch" },
    );
    expect(await statusOf(unknown)).toBe(422);
    const suites = await admin.request("GET /repos/{owner}/{repo}/commits/{ref}/check-suites", {
      ...base,
      ref: "listed",
    });
    expect(suites.data.total_count).toBe(1);
    expect(suites.data.check_suites[0]).toMatchObject({
      head_sha: sha,
      latest_check_runs_count: 2,
    });
    const runsOfSuite = await admin.request(
      "GET /repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs",
      { ...base, check_suite_id: Number(suites.data.check_suites[0]!.id), filter: "all" },
    );
    expect(runsOfSuite.data.total_count).toBe(3);
  });

  it("re-requests a completed run and a suite, with their webhooks", async () => {
    const sha = await commitOn("rerun", "rerun");
    const { data: run } = await bot.request("POST /repos/{owner}/{repo}/check-runs", {
      ...base,
      name: "flaky",
      head_sha: sha,
    });
    const rerun = () =>
      bot.request("POST /repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest", {
        ...base,
        check_run_id: run.id,
      });
    expect(await statusOf(rerun())).toBe(422);
    await bot.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...base,
      check_run_id: run.id,
      conclusion: "failure",
    });
    expect((await rerun()).status).toBe(201);
    const suiteId = run.check_suite!.id;
    const suite = () =>
      bot.request("GET /repos/{owner}/{repo}/check-suites/{check_suite_id}", {
        ...base,
        check_suite_id: suiteId,
      });
    expect((await suite()).data).toMatchObject({ status: "queued", conclusion: null });
    const again = await bot.request(
      "POST /repos/{owner}/{repo}/check-suites/{check_suite_id}/rerequest",
      { ...base, check_suite_id: suiteId },
    );
    expect(again.status).toBe(201);
    expect((await delivered("check_run", run.id)).map((d) => d.payload.action)).toEqual([
      "created",
      "completed",
      "rerequested",
    ]);
    expect((await delivered("check_suite", suiteId)).map((d) => d.payload.action)).toEqual([
      "completed",
      "rerequested",
    ]);
  });

  it("lets only the owning app update a run, and takes workflow tokens with checks: write", async () => {
    const other = { ...store.apps.get(fx.running.app.id)!, id: store.nextId(), slug: "other" };
    store.apps.set(other.id, other);
    const foreign = await createCheckRun(
      fx.running.sandbox,
      store.repoByName(org, repo)!,
      { name: "foreign", headSha: main, appId: other.id },
      other.botUserId,
    );
    const patchForeign = botPlain.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      ...base,
      check_run_id: foreign.id,
      conclusion: "success",
    });
    expect(await statusOf(patchForeign)).toBe(403);
    expect(store.checkRuns.get(foreign.id)?.status).toBe("queued");
    const workflowToken = (checks: "read" | "write") => {
      const token = newToken("ghs_");
      const repoId = store.repoByName(org, repo)!.id;
      const botUserId = store.apps.get(fx.running.app.id)!.botUserId;
      issueToken(
        store,
        { kind: "workflow", token, repoId, botUserId, permissions: { checks } },
        3600,
      );
      return plain(token);
    };
    const post = (client: Octokit) =>
      client.request("POST /repos/{owner}/{repo}/check-runs", {
        ...base,
        name: "wf",
        head_sha: main,
      });
    expect(await statusOf(post(workflowToken("read")))).toBe(403);
    const { data } = await post(workflowToken("write"));
    expect(data.app?.id).toBe(fx.running.app.id);
  });

  it("lists the open pull requests whose head is the run's sha", async () => {
    const sha = await commitOn("pr-head", "pr head");
    const id = store.nextId();
    const repoId = store.repoByName(org, repo)!.id;
    const pull = { id, repoId, number: 900, issueId: -1, headRef: "pr-head", headSha: sha };
    const rest = { baseRef: "main", baseSha: main, draft: false, merged: false, mergedAt: null };
    const none = { mergedById: null, mergeCommitSha: null, maintainerCanModify: false };
    store.putPull({ ...pull, ...rest, ...none, headRepoId: repoId });
    const { data } = await bot.request("POST /repos/{owner}/{repo}/check-runs", {
      ...base,
      name: "pr",
      head_sha: sha,
    });
    expect(data.pull_requests.map((p) => [p.number, p.head.ref, p.base.sha])).toEqual([
      [900, "pr-head", main],
    ]);
    const [hook] = await delivered("check_run", data.id);
    expect((hook?.payload.check_run as { pull_requests: unknown[] }).pull_requests).toHaveLength(1);
  });

  it("delivered every check webhook signed and valid", async () => {
    await fx.settled();
    expect(fx.deliveries.filter((d) => d.event.startsWith("INVALID"))).toEqual([]);
    const checks = fx.deliveries.filter((d) => d.event.startsWith("check_"));
    expect(checks.length).toBeGreaterThan(10);
    expect(checks.every((d) => d.signatureValid)).toBe(true);
  });
});
