import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTask, publicView } from "../../src/core/task/bank.ts";
import { renderProposalComment, renderTaskIssue } from "../../src/github/task-issue.ts";
import { createActionsRepo, jobLog, latestJobs } from "../helpers/actions-repo.ts";
import {
  dispatchAndSettle,
  filesOf,
  FIXTURE_TASKS,
  lancerChecks,
  PROJECT_ROOT,
  pushBank,
  pushMirror,
  startLancerSandbox,
} from "../helpers/lancer-action.ts";
import { startOpenAiServer } from "../helpers/openai-server.ts";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import type { SandboxFixture } from "../helpers/sandbox-fixture.ts";
import { readFileSync } from "node:fs";

const IC = "js-slugify-accents";
const MANAGER = "mgr-due-date-off-by-one";
const GOLD = path.join(FIXTURE_TASKS, IC, "gold.patch");

/** A workflow in the agent's own repository that works a task issue with the Action. */
const SOLVE_YML = `on:
  workflow_dispatch:
    inputs:
      repository: { required: true }
      issue: { required: true }
permissions:
  contents: read
jobs:
  solve:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - id: solve
        uses: lancer/lancer@v1
        with:
          mode: solve
          repository: \${{ inputs.repository }}
          issue: \${{ inputs.issue }}
          token: \${{ secrets.AGENT_TOKEN }}
          agent: command:git apply "$GITHUB_WORKSPACE/fix.patch"
      - env:
          PR: \${{ steps.solve.outputs.pull-request }}
          ATTEMPT: \${{ steps.solve.outputs.attempt }}
        run: echo "opened pull request $PR as attempt $ATTEMPT"
`;

describe("agents solve task issues: lancer solve and the Action's solve mode", () => {
  let fx: SandboxFixture;
  let org: string;
  let icIssue: number;
  let managerIssue: number;
  const agentEnv = () => ({ GITHUB_TOKEN: fx.running.tokens.agent });
  /** `lancer solve` on an issue of a mirror of this sandbox's org. */
  const solveArgs = (repo: string, issue: number, agent: string, ...extra: string[]) => [
    "solve",
    "--github-url",
    fx.running.url,
    "--repo",
    `${org}/${repo}`,
    "--issue",
    String(issue),
    "--agent",
    agent,
    ...extra,
  ];

  beforeAll(async () => {
    fx = await startLancerSandbox();
    org = fx.running.org;
    fx.running.sandbox.secrets!.AGENT_TOKEN = fx.running.tokens.agent;
    const app = await fx.installation();
    await pushBank(fx, "bank", { [IC]: filesOf(path.join(FIXTURE_TASKS, IC)) });
    await pushMirror(fx, IC, filesOf(path.join(FIXTURE_TASKS, IC, "source")));
    const ic = renderTaskIssue(publicView((await loadTask(path.join(FIXTURE_TASKS, IC))).task));
    icIssue = (
      await app.request("POST /repos/{owner}/{repo}/issues", { owner: org, repo: IC, ...ic })
    ).data.number;

    await pushMirror(fx, MANAGER, { "README.md": "# manager task\n" });
    const manager = publicView((await loadTask(path.join(FIXTURE_TASKS, MANAGER))).task);
    managerIssue = (
      await app.request("POST /repos/{owner}/{repo}/issues", {
        owner: org,
        repo: MANAGER,
        ...renderTaskIssue(manager),
      })
    ).data.number;
    for (const proposal of manager.proposals ?? [])
      await app.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: org,
        repo: MANAGER,
        issue_number: managerIssue,
        body: renderProposalComment(proposal),
      });
    await fx.settled();
  });

  it("lancer solve opens a pull request that fixes the issue, which the grader then pays", async () => {
    const solved = await runLancerJson<{ pullRequest: number; branch: string; attempt: number }>(
      solveArgs(IC, icIssue, `command:git apply ${GOLD}`),
      { env: agentEnv() },
    );
    expect(solved.exitCode).toBe(0);
    expect(solved).toMatchObject({ branch: `lancer/${IC}-1`, attempt: 1 });
    const { data: pull } = await fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: org,
      repo: IC,
      pull_number: solved.pullRequest,
    });
    expect(pull.body).toContain(`Fixes #${icIssue}`);
    expect(pull.body).toContain(`Lancer-Task: ${IC}`);
    expect(pull.user.login).toBe(fx.running.users.agent);
    const { data: files } = await fx.admin.request(
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
      { owner: org, repo: IC, pull_number: solved.pullRequest },
    );
    expect(files.map((f) => f.filename).sort()).toEqual(["src/slugify.js"]);

    const grader = await createActionsRepo(fx, "grader");
    await grader.commit({
      ".github/workflows/grade.yml": readFileSync(
        path.join(PROJECT_ROOT, "templates/grader.yml"),
        "utf8",
      ).replaceAll("your-org/lancer-bank", `${org}/bank`),
    });
    await grader.push("main");
    await dispatchAndSettle(fx, "grader", "grade.yml", {
      repository: `${org}/${IC}`,
      pr: String(solved.pullRequest),
      sha: pull.head.sha,
      task: IC,
      attempt: "1",
    });
    const [check] = await lancerChecks(fx, IC, pull.head.sha);
    expect(check?.conclusion).toBe("success");
    expect(check?.output.title).toBe("pass: $250 earned");
  });

  it("lancer solve --agent openai opens a pull request carrying its trajectory", async () => {
    const model = await startOpenAiServer([
      {
        match: "slugify mangles accented letters",
        responses: [
          {
            toolCalls: [{ name: "apply_patch", arguments: { patch: readFileSync(GOLD, "utf8") } }],
          },
          { toolCalls: [{ name: "submit", arguments: { summary: "strip the marks after NFD" } }] },
        ],
      },
    ]);
    try {
      const solved = await runLancerJson<{ pullRequest: number; attempt: number }>(
        solveArgs(
          IC,
          icIssue,
          "openai",
          "--model",
          "scripted-model",
          "--api-base-url",
          model.url,
          "--attempt",
          "9",
          "--trajectories",
          path.join(fx.dir, "trajectories"),
        ),
        { env: { ...agentEnv(), OPENAI_API_KEY: "sk-scripted" } },
      );
      expect(solved.exitCode, solved.stderr).toBe(0);
      expect(model.problems).toEqual([]);
      const { data: pull } = await fx.admin.request(
        "GET /repos/{owner}/{repo}/pulls/{pull_number}",
        {
          owner: org,
          repo: IC,
          pull_number: solved.pullRequest,
        },
      );
      expect(pull.head.ref).toBe(`lancer/${IC}-9`);
      expect(pull.body).toContain(`Fixes #${icIssue}`);
      expect(pull.body).toContain("Agent: openai:scripted-model");
      expect(pull.body).toMatch(/<details>[\s\S]*apply_patch[\s\S]*<\/details>/);
      // The model saw the issue's text, never the hidden tests.
      const sent = model.requests.map((r) => r.raw).join("\n");
      expect(sent).toContain("Crème Brûlée");
      expect(sent).not.toContain(
        readFileSync(path.join(FIXTURE_TASKS, IC, "hidden/test/slugify.test.js"), "utf8").slice(
          0,
          200,
        ),
      );
    } finally {
      await model.close();
    }
  });

  it("the Action's solve mode opens the next attempt from a workflow", async () => {
    const agentRepo = await createActionsRepo(fx, "agent-workflows");
    await agentRepo.commit({
      ".github/workflows/solve.yml": SOLVE_YML,
      "fix.patch": readFileSync(GOLD, "utf8"),
    });
    await agentRepo.push("main");
    await dispatchAndSettle(fx, "agent-workflows", "solve.yml", {
      repository: `${org}/${IC}`,
      issue: String(icIssue),
    });
    const { run, jobs } = await latestJobs(fx, "agent-workflows", "solve.yml");
    const log = await jobLog(fx, "agent-workflows", jobs.solve!.id);
    expect(run.conclusion, log).toBe("success");
    expect(log).toMatch(/opened pull request \d+ as attempt 10/);
    const { data: pulls } = await fx.admin.request("GET /repos/{owner}/{repo}/pulls", {
      owner: org,
      repo: IC,
    });
    expect(pulls.map((p) => p.head.ref).sort()).toEqual([
      `lancer/${IC}-1`,
      `lancer/${IC}-10`,
      `lancer/${IC}-9`,
    ]);
  });

  it("answers a manager task with /select N as the agent", async () => {
    const solved = await runLancerJson<{ selectedProposalId: number }>(
      solveArgs(MANAGER, managerIssue, "select:1"),
      { env: agentEnv() },
    );
    expect(solved.selectedProposalId).toBe(1);
    const { data: comments } = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { owner: org, repo: MANAGER, issue_number: managerIssue },
    );
    const answer = comments.at(-1)!;
    expect(answer.body).toBe("/select 1\n\nalways proposal 1");
    expect(answer.user?.login).toBe(fx.running.users.agent);
  });

  it("refuses clearly when the agent's change touches workflows (its token cannot push them)", async () => {
    const result = await runLancer(
      solveArgs(
        IC,
        icIssue,
        "command:mkdir -p .github/workflows && echo 'on: push' > .github/workflows/x.yml",
      ),
      { env: agentEnv() },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`cannot push lancer/${IC}-11 to ${org}/${IC}: .*workflow`),
    );
    expect(result.stderr).not.toContain(fx.running.tokens.agent);
  });

  it("names what is wrong: a missing token, an issue that is not a task", async () => {
    const noToken = await runLancer(solveArgs(IC, 1, "noop"), { env: { GITHUB_TOKEN: "" } });
    expect(noToken.exitCode).toBe(1);
    expect(noToken.stderr).toContain("the agent's token is missing: set GITHUB_TOKEN");
    const { data: plain } = await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
      owner: org,
      repo: IC,
      title: "Just a question",
    });
    const notTask = await runLancer(solveArgs(IC, plain.number, "noop"), { env: agentEnv() });
    expect(notTask.exitCode).toBe(1);
    expect(notTask.stderr).toContain(
      `${org}/${IC}#${plain.number} is not a Lancer task (no lancer:task marker)`,
    );
  });
});
