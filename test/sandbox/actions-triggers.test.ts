import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { triggerWorkflows, type WorkflowTrigger } from "../../src/sandbox/runner/trigger.ts";
import {
  actionsSettled,
  createActionsRepo,
  jobLog,
  latestJobs,
  invalidDeliveries,
} from "../helpers/actions-repo.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const fx = await startSandboxFixture();
const { sandbox } = fx.running;
const owner = fx.running.org;
const admin = sandbox.store.tokens.get(fx.running.tokens.admin)!.principal;

const RELEASE_YML = `name: Release
on:
  push:
    branches: ["release/**"]
    paths: ["src/**"]
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - run: echo "ref=$GITHUB_REF sha=$GITHUB_SHA name=\${{ github.ref_name }}"
`;

const PR_YML = `name: PR
on:
  pull_request:
    branches: [main]
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - run: echo "head=$GITHUB_HEAD_REF base=$GITHUB_BASE_REF event=\${{ github.event.action }}"
`;

/** A registered action, outside any repository (SandboxOptions.actions). */
const registered = path.join(tempDir(), "hello-action");
mkdirSync(registered, { recursive: true });
writeFileSync(
  path.join(registered, "action.yml"),
  "name: Hello\ninputs:\n  name:\n    default: you\nruns:\n  using: node20\n  main: main.js\n",
);
writeFileSync(
  path.join(registered, "main.js"),
  'require("node:fs").appendFileSync(process.env.GITHUB_OUTPUT, "said=hello " + process.env.INPUT_NAME + "\\n");\n',
);
sandbox.actions = { "acme/hello": registered };

const UNSUPPORTED_YML = `name: Unsupported
on: workflow_dispatch
jobs:
  svc:
    runs-on: ubuntu-latest
    services:
      db:
        image: postgres
    steps:
      - run: echo never
  matrix:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2]
    steps:
      - run: echo never
  win:
    runs-on: windows-latest
    steps:
      - run: echo never
  docker:
    runs-on: ubuntu-latest
    steps:
      - uses: docker://alpine:3
  missing:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/missing@v1
  registered:
    runs-on: ubuntu-latest
    steps:
      - id: hi
        uses: acme/hello@v1
        with:
          name: sandbox
      - run: test "\${{ steps.hi.outputs.said }}" = "hello sandbox"
  pwsh:
    runs-on: ubuntu-latest
    steps:
      - run: Write-Host hi
        shell: pwsh
`;

function push(ref: string, before: string, sha: string): WorkflowTrigger {
  return { event: "push", ref, sha, payload: { ref, before, after: sha }, actor: admin };
}

function pullRequest(
  action: string,
  base: string,
  baseSha: string,
  headSha: string,
): WorkflowTrigger {
  return {
    event: "pull_request",
    ref: "refs/pull/1/merge",
    sha: headSha,
    payload: {
      action,
      number: 1,
      pull_request: {
        number: 1,
        title: "Add the source",
        head: { ref: "feature", sha: headSha },
        base: { ref: base, sha: baseSha },
      },
    },
    actor: admin,
  };
}

describe("sandbox actions: triggers", () => {
  it("starts push workflows by branch and paths, pull_request workflows by type and base", async () => {
    const local = await createActionsRepo(fx, "triggers");
    const c1 = await local.commit({
      ".github/workflows/release.yml": RELEASE_YML,
      ".github/workflows/pr.yml": PR_YML,
      "src/a.txt": "a\n",
      "docs/d.md": "d\n",
    });
    await local.push("main");
    const c2 = await local.commit({ "docs/d.md": "d2\n" }, "docs only");
    const c3 = await local.commit({ "src/a.txt": "a2\n" }, "source change");
    await local.push("feature");
    await actionsSettled(fx);
    const repo = sandbox.store.repoByName(owner, "triggers")!;

    await triggerWorkflows(sandbox, repo, push("refs/heads/release/1", c1, c2));
    await triggerWorkflows(sandbox, repo, push("refs/heads/other", c2, c3));
    await triggerWorkflows(sandbox, repo, push("refs/heads/release/1", c2, c3));
    await triggerWorkflows(sandbox, repo, pullRequest("closed", "main", c1, c3));
    await triggerWorkflows(sandbox, repo, pullRequest("opened", "dev", c1, c3));
    await triggerWorkflows(sandbox, repo, pullRequest("opened", "main", c1, c3));
    // What a GITHUB_TOKEN pushes starts no workflow.
    const bot = sandbox.store.userByLogin("lancer[bot]")!.id;
    const actor = {
      kind: "workflow",
      token: "t",
      repoId: repo.id,
      permissions: {},
      botUserId: bot,
    } as const;
    await triggerWorkflows(sandbox, repo, { ...push("refs/heads/release/2", c2, c3), actor });
    await actionsSettled(fx);

    const list = (event: string) =>
      fx.admin.request("GET /repos/{owner}/{repo}/actions/runs", {
        owner,
        repo: "triggers",
        event,
      });
    const pushes = (await list("push")).data.workflow_runs.filter((r) =>
      r.path.endsWith("release.yml"),
    );
    expect(pushes.map((r) => [r.head_branch, r.head_sha, r.conclusion])).toEqual([
      ["release/1", c3, "success"],
    ]);
    expect(pushes[0]!.display_title).toBe("source change");
    const pulls = (await list("pull_request")).data.workflow_runs;
    expect(pulls.map((r) => [r.head_branch, r.head_sha, r.display_title])).toEqual([
      ["feature", c3, "Add the source"],
    ]);

    const release = await latestJobs(fx, "triggers", "release.yml");
    expect(await jobLog(fx, "triggers", release.jobs.show!.id)).toContain(
      `ref=refs/heads/release/1 sha=${c3} name=release/1`,
    );
    const pr = await latestJobs(fx, "triggers", "pr.yml");
    expect(await jobLog(fx, "triggers", pr.jobs.show!.id)).toContain(
      "head=feature base=main event=opened",
    );
  });

  it("fails a push run of a workflow file that does not parse", async () => {
    const local = await createActionsRepo(fx, "broken");
    const sha = await local.commit({
      ".github/workflows/bad.yml": "on: push\njobs:\n  a:\n    steps: 3\n",
    });
    await local.push("main");
    await actionsSettled(fx);
    const repo = sandbox.store.repoByName(owner, "broken")!;
    await triggerWorkflows(sandbox, repo, push("refs/heads/main", "0".repeat(40), sha));
    await actionsSettled(fx);
    const runs = [...sandbox.store.workflowRuns.values()].filter((r) => r.repoId === repo.id);
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      expect(run.conclusion).toBe("failure");
      expect(run.errors?.join("\n")).toMatch(/steps|runs-on/);
    }
    expect(invalidDeliveries(fx)).toEqual([]);
  });

  it("fails jobs that use what the sandbox cannot run, naming the key", async () => {
    const local = await createActionsRepo(fx, "unsupported");
    await local.commit({ ".github/workflows/unsupported.yml": UNSUPPORTED_YML });
    await local.push("main");
    await fx.admin.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      {
        owner,
        repo: "unsupported",
        workflow_id: "unsupported.yml",
        ref: "main",
      },
    );
    await actionsSettled(fx);
    const { run, jobs } = await latestJobs(fx, "unsupported", "unsupported.yml");
    expect(run.conclusion).toBe("failure");
    const expectations: Record<string, string> = {
      svc: "jobs.svc.services",
      matrix: "jobs.matrix.strategy",
      win: "jobs.win.runs-on: windows-latest",
      docker: "jobs.docker.steps[0].uses: docker://alpine:3",
      missing: "The action 'acme/missing@v1' is not available in the sandbox",
      pwsh: "jobs.pwsh.steps[0].shell: pwsh",
    };
    for (const [name, message] of Object.entries(expectations)) {
      expect(jobs[name]?.conclusion, name).toBe("failure");
      expect(await jobLog(fx, "unsupported", jobs[name]!.id)).toContain(message);
    }
    expect(jobs.registered?.conclusion).toBe("success");
  });
});
