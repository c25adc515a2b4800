import { beforeAll, describe, expect, it } from "vitest";
import {
  actionsSettled,
  createActionsRepo,
  jobLog,
  rawApi,
  invalidDeliveries,
} from "../helpers/actions-repo.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";

const fx = await startSandboxFixture();
const org = fx.running.org;
const SECRET = "s3cr3t-deploy-key-7731";
fx.running.sandbox.secrets = { DEPLOY_KEY: SECRET };

const ACTION_YML = `name: Greet
inputs:
  who:
    description: whom to greet
    required: true
  punctuation mark:
    default: "!"
  token:
    default: \${{ github.token }}
  dashed-name:
    default: dash ok
outputs:
  greeting:
    description: the greeting
runs:
  using: node24
  main: index.js
`;

const ACTION_JS = `const fs = require("node:fs");
const greeting = "Hello, " + process.env.INPUT_WHO + process.env["INPUT_PUNCTUATION_MARK"];
fs.appendFileSync(process.env.GITHUB_OUTPUT, "greeting=" + greeting + "\\n");
fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, "### " + greeting + "\\n");
console.log("token given: " + (process.env.INPUT_TOKEN.length > 0));
console.log("dashed input: " + process.env["INPUT_DASHED-NAME"]);
console.log("::notice title=Greeter::greeted " + process.env.INPUT_WHO);
`;

const CI_YML = `name: CI
run-name: CI for \${{ inputs.who }}
on:
  workflow_dispatch:
    inputs:
      who:
        type: string
        default: world
      loud:
        type: boolean
        default: false
permissions:
  contents: read
env:
  GREETING_STYLE: plain
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      greeting: \${{ steps.greet.outputs.greeting }}
    steps:
      - uses: actions/checkout@v4
      - id: greet
        uses: ./.github/actions/greet
        with:
          who: \${{ inputs.who }}
      - id: multi
        run: |
          {
            echo "text<<EOF"
            echo "line one"
            echo "line two"
            echo "EOF"
          } >> "$GITHUB_OUTPUT"
          echo "FROM_ENV_FILE=yes" >> "$GITHUB_ENV"
      - run: |
          test "\${{ steps.multi.outputs.text }}" = "$(printf 'line one\\nline two')"
          test "$FROM_ENV_FILE" = yes
          test "$GREETING_STYLE" = plain
          test "\${{ inputs.loud }}" = false
          echo "workspace=$GITHUB_WORKSPACE repo=$GITHUB_REPOSITORY event=$GITHUB_EVENT_NAME"
          test -f README.md
      - run: echo "secret is \${{ secrets.DEPLOY_KEY }}"
      - name: Push with a read-only token
        run: |
          git -c user.name=ci -c user.email=ci@example.invalid commit -q --allow-empty -m sneaky
          if git push origin HEAD:refs/heads/sneaky 2> err.txt; then echo "push went through"; exit 1; fi
          cat err.txt
      - name: Only on failure
        if: failure()
        run: echo never
  report:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: echo "got \${{ needs.build.outputs.greeting }}"
  broken:
    runs-on: ubuntu-latest
    steps:
      - id: fails
        run: |
          echo "why=kept" >> "$GITHUB_OUTPUT"
          exit 3
      - name: Cleanup
        if: always()
        run: echo "cleaning up, outputs \${{ steps.fails.outputs.why }}"
      - run: echo unreachable
  after-broken:
    needs: broken
    runs-on: ubuntu-latest
    steps:
      - run: echo unreachable
`;

const settled = () => actionsSettled(fx);

const repo = { owner: org, repo: "ci" };

describe("sandbox: GitHub Actions", () => {
  beforeAll(async () => {
    const local = await createActionsRepo(fx, "ci");
    await local.commit({
      "README.md": "# ci\n",
      ".github/actions/greet/action.yml": ACTION_YML,
      ".github/actions/greet/index.js": ACTION_JS,
      ".github/workflows/ci.yml": CI_YML,
    });
    await local.push("main");
    await settled();
  });

  it("lists the default branch's workflows", async () => {
    const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/actions/workflows", repo);
    expect(data.workflows.map((w) => [w.name, w.path, w.state])).toEqual([
      ["CI", ".github/workflows/ci.yml", "active"],
    ]);
    const { data: one } = await fx.admin.request(
      "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}",
      { ...repo, workflow_id: "ci.yml" },
    );
    expect(one.id).toBe(data.workflows[0]!.id);
  });

  it("runs a dispatched workflow: checkout, a local JavaScript action, outputs, if, needs", async () => {
    const { status } = await fx.admin.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      { ...repo, workflow_id: "ci.yml", ref: "main", inputs: { who: "sandbox" } },
    );
    expect(status).toBe(204);
    await settled();

    const { data: runs } = await fx.admin.request("GET /repos/{owner}/{repo}/actions/runs", {
      ...repo,
      event: "workflow_dispatch",
    });
    expect(runs.total_count).toBe(1);
    const run = runs.workflow_runs[0]!;
    expect(run).toMatchObject({
      status: "completed",
      conclusion: "failure",
      display_title: "CI for sandbox",
      head_branch: "main",
      run_attempt: 1,
    });
    const { data: jobs } = await fx.admin.request(
      "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
      { ...repo, run_id: Number(run.id) },
    );
    const byName = Object.fromEntries(jobs.jobs.map((j) => [j.name, j]));
    expect(byName.build?.conclusion).toBe("success");
    expect(byName.report?.conclusion).toBe("success");
    expect(byName.broken?.conclusion).toBe("failure");
    expect(byName["after-broken"]?.conclusion).toBe("skipped");
    expect(byName.build?.steps?.map((s) => [s.name, s.conclusion])).toEqual([
      ["Set up job", "success"],
      ["Run actions/checkout@v4", "success"],
      ["Run ./.github/actions/greet", "success"],
      ["Run {", "success"],
      [
        'Run test "${{ steps.multi.outputs.text }}" = "$(printf \'line one\\nline two\')"',
        "success",
      ],
      ['Run echo "secret is ${{ secrets.DEPLOY_KEY }}"', "success"],
      ["Push with a read-only token", "success"],
      ["Only on failure", "skipped"],
      ["Complete job", "success"],
    ]);
    expect(byName.broken?.steps?.map((s) => s.conclusion)).toEqual([
      "success",
      "failure",
      "success",
      "skipped",
      "success",
    ]);

    const build = fx.running.sandbox.store.workflowJobs.get(Number(byName.build!.id))!;
    expect(build.outputs).toEqual({ greeting: "Hello, sandbox!" });
    expect(build.summary).toContain("### Hello, sandbox!");
    expect(build.annotations).toContainEqual({
      level: "notice",
      message: "greeted sandbox",
      title: "Greeter",
    });
  });

  it("serves job logs through a redirect, with secrets masked", async () => {
    const jobs = [...fx.running.sandbox.store.workflowJobs.values()];
    const build = jobs.find((j) => j.name === "build")!;
    const report = jobs.find((j) => j.name === "report")!;
    const logs = (id: number) => jobLog(fx, "ci", id);
    const buildLog = await logs(build.id);
    expect(buildLog).toContain("secret is ***");
    expect(buildLog).not.toContain(SECRET);
    expect(buildLog).toContain("Contents: read");
    expect(buildLog).toContain("token given: true");
    // Input names with dashes reach the action (a POSIX sh would drop them on exec).
    expect(buildLog).toContain("dashed input: dash ok");
    // A failed step's outputs are kept, as the runner reads its files in a finally.
    const broken = jobs.find((j) => j.name === "broken")!;
    expect(await logs(broken.id)).toContain("cleaning up, outputs kept");
    expect(buildLog).toMatch(/denied|403/);
    expect(buildLog).toContain(`repo=${org}/ci event=workflow_dispatch`);
    expect(await logs(report.id)).toContain("got Hello, sandbox!");
    const expired = await fetch(
      `${fx.running.apiUrl}/repos/${org}/ci/actions/jobs/${build.id}/logs/raw?expires=1&signature=x`,
    );
    expect(expired.status).toBe(404);
  });

  it("revokes the job token when the job ends", () => {
    const workflowTokens = [...fx.running.sandbox.store.tokens.values()].filter(
      (t) => t.principal.kind === "workflow",
    );
    expect(workflowTokens).toEqual([]);
  });

  it("sends workflow_run and workflow_job webhooks that match GitHub's schemas", async () => {
    await settled();
    expect(invalidDeliveries(fx)).toEqual([]);
    const runEvents = fx.deliveries.filter((d) => d.event === "workflow_run");
    expect(runEvents.map((d) => d.payload.action)).toEqual([
      "requested",
      "in_progress",
      "completed",
    ]);
    expect(runEvents.every((d) => d.signatureValid)).toBe(true);
    const completed = runEvents[2]!.payload as { workflow_run: { conclusion: string } };
    expect(completed.workflow_run.conclusion).toBe("failure");
    const jobEvents = fx.deliveries.filter((d) => d.event === "workflow_job");
    const actions = (name: string) =>
      jobEvents
        .filter((d) => (d.payload.workflow_job as { name: string }).name === name)
        .map((d) => d.payload.action);
    expect(actions("build")).toEqual(["queued", "in_progress", "completed"]);
    expect(actions("after-broken")).toEqual([]);
    expect(jobEvents.every((d) => d.signatureValid)).toBe(true);
  });

  it("re-runs a completed run as a new attempt", async () => {
    const [run] = [...fx.running.sandbox.store.workflowRuns.values()];
    const { status } = await fx.admin.request(
      "POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun",
      { ...repo, run_id: run!.id },
    );
    expect(status).toBe(201);
    await settled();
    const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}", {
      ...repo,
      run_id: run!.id,
    });
    expect(data).toMatchObject({ run_attempt: 2, status: "completed", conclusion: "failure" });
    expect(data.previous_attempt_url).toContain("/attempts/1");
    const list = (filter: "all" | "latest") =>
      fx.admin.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs", {
        ...repo,
        run_id: run!.id,
        filter,
      });
    expect((await list("latest")).data.total_count).toBe(4);
    expect((await list("all")).data.total_count).toBe(8);
    const first = { ...repo, run_id: run!.id, attempt_number: 1 };
    const attempt = await fx.admin.request(
      "GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}",
      first,
    );
    expect(attempt.data).toMatchObject({ run_attempt: 1, previous_attempt_url: null });
    const firstJobs = await fx.admin.request(
      "GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs",
      first,
    );
    expect(firstJobs.data.jobs.map((j) => j.run_attempt)).toEqual([1, 1, 1, 1]);
  });

  it("filters runs and answers 404 for unknown runs, jobs and workflows", async () => {
    const none = await fx.admin.request("GET /repos/{owner}/{repo}/actions/runs", {
      ...repo,
      branch: "elsewhere",
    });
    expect(none.data.total_count).toBe(0);
    const ofWorkflow = await fx.admin.request(
      "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
      { ...repo, workflow_id: "ci.yml", status: "failure" },
    );
    expect(ofWorkflow.data.total_count).toBe(1);
    // GitHub documents no 404 for these operations, so the contract client cannot be used.
    for (const tail of ["runs/1", "jobs/1", "workflows/nope.yml", "runs/1/jobs", "jobs/1/logs"])
      expect((await rawApi(fx, "GET", `/repos/${org}/ci/actions/${tail}`)).status).toBe(404);
  });
});
