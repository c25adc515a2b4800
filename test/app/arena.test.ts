import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Octokit } from "octokit";
import { parse as parseCsv } from "csv-parse/sync";
import { attemptMarker } from "../../src/core/report/render-attempt.ts";
import {
  FIXTURE_TASKS,
  startArenaFixture,
  SECOND_AGENT,
  type ArenaFixture,
} from "../helpers/arena-fixture.ts";
import { startOpenAiServer } from "../helpers/openai-server.ts";
import { runLancerJson } from "../helpers/run-lancer.ts";
import { validateWebhook } from "../helpers/github-contract.ts";

// The whole loop on the sandbox: the seeded mirrors, the app receiving real webhooks, the
// shipped grader workflow run by the sandbox's runner with the built Action.
const IC = "js-slugify-accents";
const IC2 = "sh-bumpver-reset";
const MANAGER = "mgr-due-date-off-by-one";
const IC3 = "js-duration-parser-hang";
const IC4 = "js-csv-quoted-newlines";

const fx: ArenaFixture = await startArenaFixture([IC, IC2, IC3, IC4, MANAGER]);
const { org } = fx;

async function gradingRuns(): Promise<number> {
  const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/actions/runs", {
    owner: org,
    repo: "lancer-grader",
    per_page: 100,
  });
  return data.total_count;
}

/** Grading runs of the grader workflow for one task. */
async function gradingRunsOf(taskId: string): Promise<number> {
  const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/actions/runs", {
    owner: org,
    repo: "lancer-grader",
    per_page: 100,
  });
  return data.workflow_runs.filter((run) =>
    run.display_title?.startsWith(`Lancer grade ${taskId} `),
  ).length;
}

async function comments(repo: string, number: number) {
  return fx.admin.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    owner: org,
    repo,
    issue_number: number,
    per_page: 100,
  });
}

async function lancerChecks(repo: string, sha: string) {
  const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
    owner: org,
    repo,
    ref: sha,
    check_name: "Lancer",
    filter: "all",
  });
  return data.check_runs;
}

/** A branch with files changed through the contents API and a pull request from it. */
async function pullViaApi(
  client: Octokit,
  repo: string,
  branch: string,
  files: Record<string, string>,
  draft = false,
): Promise<{ number: number; sha: string }> {
  const { data: main } = await client.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
    owner: org,
    repo,
    ref: "heads/main",
  });
  await client.request("POST /repos/{owner}/{repo}/git/refs", {
    owner: org,
    repo,
    ref: `refs/heads/${branch}`,
    sha: main.object.sha,
  });
  for (const [path, text] of Object.entries(files))
    await client.request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner: org,
      repo,
      path,
      branch,
      message: `change ${path}`,
      content: Buffer.from(text).toString("base64"),
    });
  const { data: pull } = await client.request("POST /repos/{owner}/{repo}/pulls", {
    owner: org,
    repo,
    head: branch,
    base: "main",
    title: `Change via ${branch}`,
    draft,
  });
  return { number: pull.number, sha: pull.head.sha };
}

/** The `pull_request.ready_for_review` webhook GitHub would send for a draft pull request. */
async function readyForReview(repo: string, number: number) {
  const { data: pull } = await fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: org,
    repo,
    pull_number: number,
  });
  const { data: repository } = await fx.admin.request("GET /repos/{owner}/{repo}", {
    owner: org,
    repo,
  });
  const payload = {
    action: "ready_for_review",
    number,
    pull_request: { ...pull, draft: false },
    repository,
    organization: { login: org },
    sender: pull.user,
    installation: { id: fx.arena.sandbox.app.installationId },
  };
  return { pull, payload };
}

/** What must not change when nothing should happen: ledger files, comments, gradings. */
async function snapshot() {
  const commentCounts: Record<string, number> = {};
  for (const task of fx.seed.tasks) {
    const { data: items } = await fx.admin.request("GET /repos/{owner}/{repo}/issues", {
      owner: org,
      repo: task.id,
      state: "all",
      per_page: 100,
    });
    for (const item of items)
      commentCounts[`${task.id}#${item.number}`] = (await comments(task.id, item.number)).length;
  }
  return {
    ledger: [...(await fx.ledgerTree("entries")), ...(await fx.ledgerTree("errors"))],
    claims: await fx.ledgerTree("claims"),
    commentCounts,
    gradingRuns: await gradingRuns(),
  };
}

describe("the Lancer app on the sandbox", () => {
  let paidPull = 0;

  it("seeds a mirror, an issue and the grader; the agent cannot read the grader", async () => {
    expect(fx.seed.tasks.map((t) => t.id).sort()).toEqual([IC, MANAGER, IC2, IC3, IC4].sort());
    const status = await fx
      .agent()
      .request("GET /repos/{owner}/{repo}", { owner: org, repo: "lancer-grader" })
      .then(() => 200)
      .catch((error: { status: number }) => error.status);
    expect(status).toBe(404);
  });

  it("grades an IC pull request in the grader workflow and pays it once", async () => {
    paidPull = await fx.solveWithOracle(IC);
    await fx.arena.settled();
    const { data: pull } = await fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: org,
      repo: IC,
      pull_number: paidPull,
    });
    const checks = await lancerChecks(IC, pull.head.sha);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.app?.slug).toBe("lancer");
    expect(checks[0]!.conclusion).toBe("success");
    expect(await gradingRuns()).toBe(1);

    const entry = await fx.ledgerFile<Record<string, unknown>>(`entries/${IC}/lancer-agent/1.json`);
    expect(entry).toMatchObject({ verdict: "pass", payout_cents: 25000, pull_request: paidPull });

    const marker = attemptMarker(IC, "lancer-agent", 1);
    const onPull = (await comments(IC, paidPull)).filter((c) => c.body?.includes(marker));
    expect(onPull).toHaveLength(1);
    expect(onPull[0]!.user?.login).toBe("lancer[bot]");
    expect(onPull[0]!.body).toContain("Paid $250");
    expect(onPull[0]!.body).toContain("Graded ✅ → Paid ✅");
    // One payout comment per attempt: the pull request's, edited in place from "grading".
    expect((await comments(IC, paidPull)).filter((c) => c.user?.login === "lancer[bot]")).toEqual(
      onPull,
    );
    expect(new Date(onPull[0]!.updated_at) > new Date(onPull[0]!.created_at)).toBe(true);
    const onIssue = (await comments(IC, fx.issueOf(IC))).filter((c) => c.body?.includes(marker));
    expect(onIssue).toHaveLength(0);
    expect(pull.labels.map((l) => l.name)).toContain("paid");
    const { data: issue } = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}",
      {
        owner: org,
        repo: IC,
        issue_number: fx.issueOf(IC),
      },
    );
    expect(issue.state).toBe("closed");

    const csv = await fx.admin.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: org,
      repo: "lancer-ledger",
      path: "ledger.csv",
    });
    const rows: Array<Record<string, string>> = parseCsv(
      Buffer.from((csv.data as { content: string }).content, "base64").toString("utf8"),
      { columns: true },
    );
    expect(rows.find((r) => r.agent === "lancer-agent")?.earned_cents).toBe("25000");
    // The static HTML leaderboard is published beside it, the paid attempt in its task table.
    const page = await fx.admin.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: org,
      repo: "lancer-ledger",
      path: "index.html",
    });
    const html = Buffer.from((page.data as { content: string }).content, "base64").toString("utf8");
    expect(html).toMatch(new RegExp(`<tr data-task="${IC}" data-agent="lancer-agent">`));
  });

  it("answers a manager task at /select: one selection per attempt, edits change nothing", async () => {
    const task = fx.bank.get(MANAGER)!.task;
    const right = task.hidden.correct_proposal_id!;
    const wrong = task.proposals!.find((p) => p.id !== right)!.id;
    const issue = fx.issueOf(MANAGER);
    const say = (client: Octokit, body: string) =>
      client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: org,
        repo: MANAGER,
        issue_number: issue,
        body,
      });
    const { data: answer } = await say(fx.agent(), `/select ${right}\n\nThe manager's choice.`);
    await say(fx.agent(SECOND_AGENT), `/select ${wrong}`);
    await say(fx.admin, `/select ${right}`); // not an agent: nothing
    await fx.arena.settled();
    expect(await fx.ledgerFile(`entries/${MANAGER}/lancer-agent/1.json`)).toMatchObject({
      verdict: "pass",
      payout_cents: task.price_cents,
      selection: right,
    });
    expect(await fx.ledgerFile(`entries/${MANAGER}/${SECOND_AGENT}/1.json`)).toMatchObject({
      verdict: "fail",
      payout_cents: 0,
    });
    expect(await fx.ledgerTree(`entries/${MANAGER}`)).toHaveLength(2);

    const before = await snapshot();
    // An edit is not a new answer; a second answer is over the budget of one attempt.
    await fx.agent().request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: org,
      repo: MANAGER,
      comment_id: answer.id,
      body: `/select ${wrong}`,
    });
    await say(fx.agent(SECOND_AGENT), `/select ${right}`);
    await fx.arena.settled();
    expect(await fx.ledgerTree(`entries/${MANAGER}`)).toHaveLength(2);
    expect(await fx.ledgerFile(`entries/${MANAGER}/lancer-agent/1.json`)).toMatchObject({
      payout_cents: task.price_cents,
    });
    const refusal = (await comments(MANAGER, issue)).find((c) =>
      c.body?.includes(attemptMarker(MANAGER, SECOND_AGENT, 2)),
    );
    expect(refusal?.body).toContain("exceeds the 1 allowed");
    expect((await snapshot()).ledger).toEqual(before.ledger);
  });

  it("refuses a pull request touching a protected path before dispatching anything", async () => {
    const before = await gradingRuns();
    const { number, sha } = await pullViaApi(fx.agent(), IC2, "sneaky", {
      ".github/CODEOWNERS": "* @lancer-agent\n",
    });
    await fx.arena.settled();
    const checks = await lancerChecks(IC2, sha);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.conclusion).toBe("failure");
    expect(checks[0]!.output.title).toContain(".github/CODEOWNERS");
    expect(await gradingRuns()).toBe(before);
    expect(await fx.ledgerTree(`entries/${IC2}`)).toEqual([]);
    const shown = (await comments(IC2, number)).find((c) => c.body?.includes("Not graded"));
    expect(shown?.user?.login).toBe("lancer[bot]");
  });

  it("grades new commits of an ungraded attempt only when grading.synchronize is set", async () => {
    // The refused pull request above is still lancer-agent's attempt 1 on IC2, ungraded.
    const { data: pulls } = await fx.admin.request("GET /repos/{owner}/{repo}/pulls", {
      owner: org,
      repo: IC2,
      head: `${org}:sneaky`,
    });
    const pull = pulls.find((p) => p.head.ref === "sneaky")!;
    const dropCodeowners = async () => {
      const { data: file } = await fx.agent().request("GET /repos/{owner}/{repo}/contents/{path}", {
        owner: org,
        repo: IC2,
        path: ".github/CODEOWNERS",
        ref: "sneaky",
      });
      const { data: done } = await fx
        .agent()
        .request("DELETE /repos/{owner}/{repo}/contents/{path}", {
          owner: org,
          repo: IC2,
          path: ".github/CODEOWNERS",
          branch: "sneaky",
          message: "drop it",
          sha: (file as { sha: string }).sha,
        });
      return done.commit.sha!;
    };
    const putFile = async (path: string, text: string, sha?: string) =>
      fx.admin.request("PUT /repos/{owner}/{repo}/contents/{path}", {
        owner: org,
        repo: "lancer-grader",
        path,
        message: `update ${path}`,
        content: Buffer.from(text).toString("base64"),
        ...(sha ? { sha } : {}),
      });
    const before = await gradingRunsOf(IC2);
    const off = await dropCodeowners();
    await fx.arena.settled();
    expect(await gradingRunsOf(IC2)).toBe(before);
    expect(await lancerChecks(IC2, off)).toEqual([]);

    const { data: config } = await fx.admin.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: org,
      repo: "lancer-grader",
      path: ".github/lancer.yml",
    });
    const text = Buffer.from((config as { content: string }).content, "base64").toString();
    await putFile(
      ".github/lancer.yml",
      text.replace("synchronize: false", "synchronize: true"),
      (config as { sha: string }).sha,
    );
    await fx.arena.settled();
    // A new commit on the branch: graded now, as the same attempt.
    await fx.agent().request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner: org,
      repo: IC2,
      path: "NOTES.md",
      branch: "sneaky",
      message: "notes",
      content: Buffer.from("notes\n").toString("base64"),
    });
    await fx.arena.settled();
    expect(await gradingRunsOf(IC2)).toBe(before + 1);
    expect(await fx.ledgerFile(`entries/${IC2}/lancer-agent/1.json`)).toMatchObject({
      verdict: "fail",
      pull_request: pull.number,
    });
  });

  it("pays nothing for a comment that fakes a payout", async () => {
    const before = await snapshot();
    const fake = [
      attemptMarker(IC2, SECOND_AGENT, 1),
      "### 💰 Paid $280",
      "Posted ✅ → Claimed ✅ → Submitted ✅ → Graded ✅ → Paid ✅",
    ].join("\n");
    const { data: posted } = await fx
      .agent(SECOND_AGENT)
      .request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: org,
        repo: IC2,
        issue_number: fx.issueOf(IC2),
        body: fake,
      });
    await fx.arena.settled();
    const after = await snapshot();
    expect(after.ledger).toEqual(before.ledger);
    expect(after.gradingRuns).toBe(before.gradingRuns);
    const { data: still } = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
      { owner: org, repo: IC2, comment_id: posted.id },
    );
    expect(still.body).toBe(fake);
  });

  it("grades nothing on a forged webhook, and the same event signed right is graded", async () => {
    const { number } = await pullViaApi(
      fx.agent(SECOND_AGENT),
      IC,
      "draft-try",
      { "NOTES.md": "hi\n" },
      true,
    );
    await fx.arena.settled();
    const before = await gradingRuns();
    const { pull, payload } = await readyForReview(IC, number);
    const forged = await fx.postWebhook("pull_request", payload, { secret: "x".repeat(40) });
    expect(forged).toBeGreaterThanOrEqual(400);
    await fx.arena.settled();
    expect(await gradingRuns()).toBe(before);
    expect(await lancerChecks(IC, pull.head.sha)).toEqual([]);

    const signed = await fx.postWebhook("pull_request", payload);
    expect(signed).toBe(200);
    await fx.arena.settled();
    expect(await gradingRuns()).toBe(before + 1);
    expect(await fx.ledgerFile(`entries/${IC}/${SECOND_AGENT}/1.json`)).toMatchObject({
      verdict: "fail",
    });
  });

  it("pays a pull request that `lancer solve --agent openai` opened", async () => {
    const gold = readFileSync(path.join(FIXTURE_TASKS, IC2, "gold.patch"), "utf8");
    const model = await startOpenAiServer([
      {
        match: "bumpver minor/major do not reset",
        responses: [
          { toolCalls: [{ name: "apply_patch", arguments: { patch: gold } }] },
          { toolCalls: [{ name: "submit", arguments: { summary: "reset the lower parts" } }] },
        ],
      },
    ]);
    try {
      const solved = await runLancerJson<{ pullRequest: number }>(
        [
          "solve",
          "--github-url",
          fx.arena.sandbox.url,
          "--repo",
          `${org}/${IC2}`,
          "--issue",
          String(fx.issueOf(IC2)),
          "--agent",
          "openai",
          "--model",
          "scripted-model",
          "--api-base-url",
          model.url,
          "--trajectories",
          path.join(fx.workRoot, "trajectories"),
          "--work-dir",
          fx.workRoot,
        ],
        {
          env: {
            GITHUB_TOKEN: fx.arena.sandbox.agents[SECOND_AGENT]!,
            OPENAI_API_KEY: "sk-scripted",
          },
        },
      );
      expect(solved.exitCode, solved.stderr).toBe(0);
      await fx.arena.settled();
      expect(await fx.ledgerFile(`entries/${IC2}/${SECOND_AGENT}/1.json`)).toMatchObject({
        verdict: "pass",
        payout_cents: fx.bank.get(IC2)!.task.price_cents,
        pull_request: solved.pullRequest,
      });
    } finally {
      await model.close();
    }
  });

  it("shows a grading error as no payout decided, retries it, and pays after a regrade", async () => {
    const secrets = fx.arena.sandbox.sandbox.secrets!;
    const bankToken = secrets.LANCER_BANK_TOKEN!;
    secrets.LANCER_BANK_TOKEN = "ghp_revoked0000000000000000000000000000";
    let number: number;
    try {
      number = await fx.solveWithOracle(IC3);
      await fx.arena.settled();
    } finally {
      secrets.LANCER_BANK_TOKEN = bankToken;
    }
    // The first grading and error_retries (2) more, each an error record, none an entry.
    expect(await gradingRunsOf(IC3)).toBe(3);
    expect(await fx.ledgerTree(`errors/${IC3}`)).toHaveLength(3);
    expect(await fx.ledgerTree(`entries/${IC3}`)).toEqual([]);
    const shown = (await comments(IC3, number)).find((c) =>
      c.body?.includes(attemptMarker(IC3, "lancer-agent", 1)),
    );
    expect(shown?.body).toContain("no payout decided");
    expect(shown?.body).toContain("retries spent");
    expect(shown?.body).not.toContain("$0");

    const regrade = (client: Octokit) =>
      client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: org,
        repo: IC3,
        issue_number: number,
        body: "/lancer regrade",
      });
    await regrade(fx.agent()); // not a maintainer: nothing
    await fx.arena.settled();
    expect(await gradingRunsOf(IC3)).toBe(3);
    await regrade(fx.admin);
    await fx.arena.settled();
    expect(await gradingRunsOf(IC3)).toBe(4);
    expect(await fx.ledgerFile(`entries/${IC3}/lancer-agent/1.json`)).toMatchObject({
      verdict: "pass",
      payout_cents: fx.bank.get(IC3)!.task.price_cents,
    });
  });

  it("grades once when two deliveries of one event arrive at the same moment", async () => {
    const { number, sha } = await pullViaApi(
      fx.agent(),
      IC4,
      "at-once",
      { "NOTES.md": "two at once\n" },
      true,
    );
    await fx.arena.settled();
    const { payload } = await readyForReview(IC4, number);
    const statuses = await Promise.all([
      fx.postWebhook("pull_request", payload),
      fx.postWebhook("pull_request", payload),
      fx.postWebhook("pull_request", payload),
    ]);
    expect(statuses).toEqual([200, 200, 200]);
    await fx.arena.settled();
    expect(await gradingRunsOf(IC4)).toBe(1);
    const live = (await lancerChecks(IC4, sha)).filter((c) => c.external_id === `lancer:${IC4}:1`);
    expect(live).toHaveLength(1);
    expect(live[0]!.conclusion).toBe("failure");
    const marker = attemptMarker(IC4, "lancer-agent", 1);
    expect((await comments(IC4, number)).filter((c) => c.body?.includes(marker))).toHaveLength(1);
    expect(await fx.ledgerTree(`entries/${IC4}`)).toEqual([`entries/${IC4}/lancer-agent/1.json`]);
  });

  it("changes nothing when every webhook is delivered twice more and again with fresh ids", async () => {
    const before = await snapshot();
    const deliveries = await fx.app.octokit.paginate("GET /app/hook/deliveries", { per_page: 100 });
    expect(deliveries.length).toBeGreaterThan(10);
    const events = new Set<string>();
    for (const delivery of deliveries) {
      const { data: full } = await fx.app.octokit.request(
        "GET /app/hook/deliveries/{delivery_id}",
        {
          delivery_id: delivery.id,
        },
      );
      const payload = full.request.payload as Record<string, unknown>;
      validateWebhook(delivery.event, delivery.action ?? null, payload);
      events.add(`${delivery.event}.${delivery.action ?? ""}`);
      for (let i = 0; i < 2; i += 1)
        await fx.app.octokit.request("POST /app/hook/deliveries/{delivery_id}/attempts", {
          delivery_id: delivery.id,
        });
      expect(await fx.postWebhook(delivery.event, payload)).toBe(200);
    }
    for (const needed of ["pull_request.opened", "workflow_run.completed", "issue_comment.created"])
      expect([...events]).toContain(needed);
    await fx.arena.settled();
    const after = await snapshot();
    expect(after).toEqual(before);
  }, 600_000);

  it("trusts only the grader workflow on its default branch", async () => {
    const deliveries = await fx.app.octokit.paginate("GET /app/hook/deliveries", { per_page: 100 });
    const completed = deliveries.find(
      (d) => d.event === "workflow_run" && d.action === "completed",
    )!;
    const { data: full } = await fx.app.octokit.request("GET /app/hook/deliveries/{delivery_id}", {
      delivery_id: completed.id,
    });
    const real = full.request.payload as { workflow_run: Record<string, unknown> };
    // A run of the grader workflow for a commit no attempt was queued on: trusted, it is a
    // grading that left no check run (an error record); untrusted, it is nothing.
    const { number, sha } = await pullViaApi(
      fx.agent(SECOND_AGENT),
      IC3,
      "late",
      { "NOTES.md": "x\n" },
      true,
    );
    const title = `Lancer grade ${IC3} attempt 1 by ${SECOND_AGENT} of ${org}/${IC3}#${number} at ${sha}`;
    const forged = (changes: Record<string, unknown>, runId: number) => ({
      ...real,
      workflow_run: { ...real.workflow_run, id: runId, display_title: title, ...changes },
    });
    const errorsBefore = await fx.ledgerTree(`errors/${IC3}`);
    for (const [changes, runId] of [
      [{ path: ".github/workflows/other.yml" }, 990001],
      [{ head_branch: "feature" }, 990002],
      [{ event: "push" }, 990003],
    ] as const) {
      expect(await fx.postWebhook("workflow_run", forged(changes, runId))).toBe(200);
    }
    await fx.arena.settled();
    expect(await fx.ledgerTree(`errors/${IC3}`)).toEqual(errorsBefore);
    // The same event as the grader workflow would send it is acted on (so the above could fail).
    expect(await fx.postWebhook("workflow_run", forged({}, 990004))).toBe(200);
    await fx.arena.settled();
    expect(await fx.ledgerTree(`errors/${IC3}`)).toHaveLength(errorsBefore.length + 1);
  });

  it("reports an invalid configuration by key and keeps the last good one", async () => {
    const { data: file } = await fx.admin.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: org,
      repo: "lancer-grader",
      path: ".github/lancer.yml",
    });
    const { data: put } = await fx.admin.request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner: org,
      repo: "lancer-grader",
      path: ".github/lancer.yml",
      message: "break the config",
      sha: (file as { sha: string }).sha,
      content: Buffer.from("agents: [lancer-agent]\ngrading:\n  runs: many\n").toString("base64"),
    });
    await fx.arena.settled();
    const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      owner: org,
      repo: "lancer-grader",
      ref: put.commit.sha!,
      check_name: "Lancer config",
    });
    expect(data.check_runs).toHaveLength(1);
    expect(data.check_runs[0]!.conclusion).toBe("failure");
    expect(data.check_runs[0]!.output.title).toBe("invalid: grading.runs");

    // The last good configuration still lists second-agent: its claim is honoured.
    await fx
      .agent(SECOND_AGENT)
      .request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: org,
        repo: IC2,
        issue_number: fx.issueOf(IC2),
        body: "/claim",
      });
    await fx.arena.settled();
    expect(await fx.ledgerFile(`claims/${IC2}/${SECOND_AGENT}.json`)).toMatchObject({
      agent: SECOND_AGENT,
    });
  });
});
