import { existsSync, rmSync, watch } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { gitOutput } from "../../src/core/git/git.ts";
import { stopRuns } from "../../src/sandbox/runner/run-registry.ts";
import {
  actionsSettled,
  createActionsRepo,
  jobLog,
  latestJobs,
  rawApi,
  invalidDeliveries,
} from "../helpers/actions-repo.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const fx = await startSandboxFixture();
const markers = tempDir();

/** Resolves when a file appears in a folder (a step's signal that it is running). */
function fileAppears(dir: string, name: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dir, () => {
      if (!existsSync(path.join(dir, name))) return;
      watcher.close();
      resolve();
    });
  });
}
const { sandbox } = fx.running;
const owner = fx.running.org;

const JOBS_YML = `name: Jobs
on:
  workflow_dispatch:
    inputs:
      flag:
        type: boolean
        required: true
      color:
        type: choice
        options: [red, blue]
        default: red
permissions:
  contents: write
jobs:
  persist:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - run: |
          test "$(git rev-list --count HEAD)" = 2
          git config --local --get-regexp 'http\\..*\\.extraheader' | grep -q AUTHORIZATION
          git -c user.name=ci -c user.email=ci@example.com commit -q --allow-empty -m from-ci
          git push -q origin HEAD:refs/heads/from-ci
  bare:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
          path: sub/dir
      - working-directory: sub/dir
        run: |
          test "$(git rev-list --count HEAD)" = 1
          if git config --get-regexp extraheader; then exit 1; fi
          if grep -ri authorization .git/config; then exit 1; fi
  none:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - uses: actions/checkout@v4
  slow:
    runs-on: ubuntu-latest
    steps:
      - run: sleep 30
        timeout-minutes: 0.02
      - if: always()
        run: echo after-timeout
      - run: echo not-after-a-failure
  tolerant:
    if: inputs.flag && inputs.color == 'blue'
    runs-on: ubuntu-latest
    env:
      JOB_LEVEL: job
    steps:
      - id: flaky
        run: exit 1
        continue-on-error: true
      - env:
          STEP_LEVEL: step
        run: echo "outcome=\${{ steps.flaky.outcome }} conclusion=\${{ steps.flaky.conclusion }} $JOB_LEVEL $STEP_LEVEL"
  skipped:
    if: \${{ !inputs.flag }}
    runs-on: ubuntu-latest
    steps:
      - run: echo skipped
`;

const dispatchPath = `/repos/${owner}/jobs/actions/workflows/jobs.yml/dispatches`;

describe("sandbox actions: jobs", () => {
  beforeAll(async () => {
    const local = await createActionsRepo(fx, "jobs");
    await local.commit({ "README.md": "one\n" }, "one");
    await local.commit({ ".github/workflows/jobs.yml": JOBS_YML, "other.yml": "x: 1\n" }, "two");
    await local.push("main");
    await actionsSettled(fx);
  });

  it("refuses bad dispatches with GitHub's errors and starts nothing", async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ inputs: { flag: true } }, 422, /"field":"ref","code":"missing_field"/],
      [{ ref: "nope", inputs: { flag: true } }, 422, /No ref found for: nope/],
      [
        { ref: "main", inputs: { flag: true, bogus: "1" } },
        422,
        /Unexpected inputs provided: \[\\"bogus\\"\]/,
      ],
      [{ ref: "main" }, 422, /Required input 'flag' not provided/],
      [{ ref: "main", inputs: { flag: "maybe" } }, 422, /is not a boolean/],
      [{ ref: "main", inputs: { flag: true, color: "green" } }, 422, /not in the list/],
      [{ ref: "main", inputs: "x" }, 422, /inputs/],
    ];
    for (const [body, status, message] of cases) {
      const response = await rawApi(fx, "POST", dispatchPath, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(JSON.stringify(await response.json())).toMatch(message);
    }
    const missing = await rawApi(
      fx,
      "POST",
      `/repos/${owner}/jobs/actions/workflows/none.yml/dispatches`,
      {
        ref: "main",
      },
    );
    expect(missing.status).toBe(404);
    const agent = await rawApi(fx, "POST", dispatchPath, { ref: "main" }, fx.running.tokens.agent);
    expect(agent.status).toBe(404);
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner,
      repo: "jobs",
      username: "lancer-agent",
      permission: "pull",
    });
    const reader = await rawApi(
      fx,
      "POST",
      dispatchPath,
      { ref: "main", inputs: { flag: true } },
      fx.running.tokens.agent,
    );
    expect(reader.status).toBe(403);
    const { data } = await fx.agent.request("GET /repos/{owner}/{repo}/actions/runs", {
      owner,
      repo: "jobs",
    });
    expect(data.total_count).toBe(0);
  });

  it("runs jobs with their permissions, checkout options, timeouts and continue-on-error", async () => {
    const { status, data } = await fx.admin.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      {
        owner,
        repo: "jobs",
        workflow_id: "jobs.yml",
        ref: "main",
        inputs: { flag: "true", color: "blue" },
        return_run_details: true,
      },
    );
    expect(status).toBe(200);
    await actionsSettled(fx);
    const { run, jobs } = await latestJobs(fx, "jobs", "jobs.yml");
    expect(data?.workflow_run_id).toBe(run.id);
    expect(run.conclusion).toBe("failure");
    const conclusions = Object.fromEntries(Object.entries(jobs).map(([n, j]) => [n, j.conclusion]));
    expect(conclusions).toEqual({
      persist: "success",
      bare: "success",
      none: "failure",
      slow: "failure",
      tolerant: "success",
      skipped: "skipped",
    });
    const repo = sandbox.store.repoByName(owner, "jobs")!;
    const pushed = await gitOutput(["log", "-1", "--format=%s", "refs/heads/from-ci"], {
      cwd: repo.gitDir,
    });
    expect(pushed).toBe("from-ci");
    const noneLog = await jobLog(fx, "jobs", jobs.none!.id);
    expect(noneLog).toMatch(/Permission to arena\/jobs.git denied/);
    const slow = await jobLog(fx, "jobs", jobs.slow!.id);
    expect(slow).toContain("##[error]The action has timed out.");
    expect(slow).toContain("after-timeout");
    expect(jobs.slow!.steps?.map((s) => s.conclusion)).toEqual([
      "success",
      "failure",
      "success",
      "skipped",
      "success",
    ]);
    expect(await jobLog(fx, "jobs", jobs.tolerant!.id)).toContain(
      "outcome=failure conclusion=success job step",
    );
  });

  it("cancels a run: kills the running step, runs always() steps, skips the rest", async () => {
    const marker = path.join(markers, "started");
    const local = await createActionsRepo(fx, "cancel");
    await local.commit({
      ".github/workflows/long.yml": `on: workflow_dispatch
jobs:
  first:
    runs-on: ubuntu-latest
    steps:
      - run: touch "${marker}" && sleep 60
      - if: always()
        run: echo cleanup-after-cancel
      - run: echo never
  second:
    needs: first
    runs-on: ubuntu-latest
    steps:
      - run: echo never
`,
    });
    await local.push("main");
    const started = fileAppears(markers, "started");
    const { data } = await fx.admin.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      { owner, repo: "cancel", workflow_id: "long.yml", ref: "main", return_run_details: true },
    );
    await started;
    const runId = Number(data.workflow_run_id);
    const cancel = await fx.admin.request(
      "POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel",
      {
        owner,
        repo: "cancel",
        run_id: runId,
      },
    );
    expect(cancel.status).toBe(202);
    await actionsSettled(fx);
    const { run, jobs } = await latestJobs(fx, "cancel", "long.yml");
    expect(run.conclusion).toBe("cancelled");
    expect(jobs.first?.conclusion).toBe("cancelled");
    expect(jobs.first?.steps.map((s) => s.conclusion)).toEqual([
      "success",
      "cancelled",
      "success",
      "skipped",
      "success",
    ]);
    expect(await jobLog(fx, "cancel", jobs.first!.id)).toContain("cleanup-after-cancel");
    expect(jobs.second?.conclusion).toBe("skipped");
    const again = await rawApi(fx, "POST", `/repos/${owner}/cancel/actions/runs/${runId}/cancel`);
    expect(again.status).toBe(409);
  });

  it("keeps the webhooks valid", () => {
    expect(invalidDeliveries(fx)).toEqual([]);
    const completed = fx.deliveries.filter(
      (d) => d.event === "workflow_run" && d.payload.action === "completed",
    );
    expect(completed).toHaveLength(2);
    expect(completed.every((d) => d.signatureValid)).toBe(true);
  });
  it("stops the runs still going when the sandbox stops", async () => {
    rmSync(path.join(markers, "started"));
    const started = fileAppears(markers, "started");
    await fx.admin.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      {
        owner,
        repo: "cancel",
        workflow_id: "long.yml",
        ref: "main",
      },
    );
    await started;
    await stopRuns(sandbox);
    const { run, jobs } = await latestJobs(fx, "cancel", "long.yml");
    expect(run.conclusion).toBe("cancelled");
    expect(jobs.first?.steps.map((s) => s.conclusion)).toEqual([
      "success",
      "cancelled",
      "skipped",
      "skipped",
      "success",
    ]);
    expect(jobs.second?.conclusion).toBe("skipped");
  });
});
