import { describe, expect, it } from "vitest";
import type { LedgerRecord } from "../../src/core/ledger/ledger-record.ts";
import { attemptMarker } from "../../src/core/report/render-attempt.ts";
import { LATE_LABEL } from "../../src/github/arena/deadline.ts";
import { watchEmits } from "../helpers/local-git.ts";
import { SECOND_AGENT, startArenaFixture } from "../helpers/arena-fixture.ts";

// The client's review (`pull_request_review` by a maintainer of the mirror) and deadlines
// (`deadline_hours` from the task issue's creation), end to end: sandbox, app, grader
// workflow. The app's clock is injected; the grader and the sandbox keep the real one.
const REVIEWED = "js-slugify-accents"; // payout: tests
const AWAITING = "js-lru-cache-ttl"; // payout: tests-and-review
const GRADED_LATE = "js-semver-prerelease-order";
const OPENED_LATE = "sh-bumpver-reset";

let offsetMs = 0;
const fx = await startArenaFixture([REVIEWED, AWAITING, GRADED_LATE, OPENED_LATE], {
  now: () => new Date(Date.now() + offsetMs),
});
const { org } = fx;
const facts = fx.arena.sandbox;
const emitted = watchEmits(fx.arena.sandbox.sandbox);

async function setConfig(extra: string): Promise<void> {
  const path = ".github/lancer.yml";
  const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/contents/{path}", {
    owner: org,
    repo: "lancer-grader",
    path,
  });
  const file = data as { sha: string; content: string };
  const text = Buffer.from(file.content, "base64")
    .toString("utf8")
    .replace(/^payout: .*$/m, "")
    .replace(/^deadline_hours: .*$/m, "");
  await fx.admin.request("PUT /repos/{owner}/{repo}/contents/{path}", {
    owner: org,
    repo: "lancer-grader",
    path,
    message: `config: ${extra}`,
    sha: file.sha,
    content: Buffer.from(`${text}\n${extra}\n`).toString("base64"),
  });
  await fx.arena.settled();
}

async function entryOf(task: string): Promise<LedgerRecord | undefined> {
  return fx.ledgerFile<LedgerRecord>(`entries/${task}/lancer-agent/1.json`);
}

async function pullOf(repo: string, number: number) {
  const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner: org,
    repo,
    pull_number: number,
  });
  return data;
}

async function payoutComments(repo: string, number: number, task: string) {
  const comments = await fx.admin.paginate(
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    { owner: org, repo, issue_number: number, per_page: 100 },
  );
  return comments.filter((c) => c.body?.includes(attemptMarker(task, "lancer-agent", 1)));
}

async function review(
  repo: string,
  number: number,
  event: "APPROVE" | "REQUEST_CHANGES",
  login?: string,
) {
  const client = login ? fx.agent(login) : fx.admin;
  const { data } = await client.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
    owner: org,
    repo,
    pull_number: number,
    event,
    body: event === "APPROVE" ? "Accepted." : "Please handle the edge case.",
  });
  await fx.arena.settled();
  return data;
}

async function ledgerCommits(): Promise<number> {
  const commits = await fx.admin.paginate("GET /repos/{owner}/{repo}/commits", {
    owner: org,
    repo: "lancer-ledger",
    per_page: 100,
  });
  return commits.length;
}

describe("client review and deadlines on the sandbox", () => {
  it("payout: tests records a maintainer's review beside the grade and pays by the tests alone", async () => {
    const number = await fx.solveWithOracle(REVIEWED);
    await fx.arena.settled();
    const price = fx.bank.get(REVIEWED)!.task.price_cents;
    expect(await entryOf(REVIEWED)).toMatchObject({ verdict: "pass", payout_cents: price });
    expect((await entryOf(REVIEWED))?.client_review).toBeUndefined();

    // An agent with push access (role write) is not a maintainer: its review is not recorded.
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner: org,
      repo: REVIEWED,
      username: SECOND_AGENT,
      permission: "push",
    });
    await review(REVIEWED, number, "REQUEST_CHANGES", SECOND_AGENT);
    expect((await entryOf(REVIEWED))?.client_review).toBeUndefined();

    // The org's admin maintains every mirror: a request for changes is recorded, unpaid nothing.
    await review(REVIEWED, number, "REQUEST_CHANGES");
    expect(await entryOf(REVIEWED)).toMatchObject({
      payout_cents: price,
      client_review: "changes_requested",
      client_reviewer: facts.users.admin,
    });
    await review(REVIEWED, number, "APPROVE");
    expect(await entryOf(REVIEWED)).toMatchObject({
      payout_cents: price,
      client_review: "approved",
    });
    expect(await payoutComments(REVIEWED, number, REVIEWED)).toHaveLength(1);
  }, 300_000);

  it("payout: tests-and-review pays a pass once, when a maintainer approves the graded commit", async () => {
    await setConfig("payout: tests-and-review");
    const number = await fx.solveWithOracle(AWAITING);
    await fx.arena.settled();
    const price = fx.bank.get(AWAITING)!.task.price_cents;
    expect(await entryOf(AWAITING)).toMatchObject({
      verdict: "pass",
      payout_cents: 0,
      awaiting_approval: true,
    });
    expect((await pullOf(AWAITING, number)).labels.map((l) => l.name)).toContain("unpaid");
    const [waiting] = await payoutComments(AWAITING, number, AWAITING);
    expect(waiting?.body).toContain("paid once a maintainer");

    // Changes requested: still unpaid, recorded.
    await review(AWAITING, number, "REQUEST_CHANGES");
    expect(await entryOf(AWAITING)).toMatchObject({
      payout_cents: 0,
      awaiting_approval: true,
      client_review: "changes_requested",
    });

    const approval = await review(AWAITING, number, "APPROVE");
    const paid = await entryOf(AWAITING);
    expect(paid).toMatchObject({ payout_cents: price, client_review: "approved" });
    expect(paid?.awaiting_approval).toBeUndefined();
    expect(paid?.paid_at).toBeDefined();
    const labels = (await pullOf(AWAITING, number)).labels.map((l) => l.name);
    expect(labels).toContain("paid");
    expect(labels).not.toContain("unpaid");
    const comments = await payoutComments(AWAITING, number, AWAITING);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("Paid");

    // The same approval delivered again (fresh delivery id), and another approval: no second
    // payout, no ledger write at all.
    const commits = await ledgerCommits();
    const { data: pull } = await fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: org,
      repo: AWAITING,
      pull_number: number,
    });
    const payload = {
      action: "submitted",
      review: {
        id: approval.id,
        state: "approved",
        commit_id: approval.commit_id,
        submitted_at: approval.submitted_at,
        user: { login: facts.users.admin },
      },
      pull_request: { number, user: { login: pull.user.login } },
      repository: {
        name: AWAITING,
        full_name: `${org}/${AWAITING}`,
        html_url: pull.base.repo.html_url,
        owner: { login: org },
      },
      installation: { id: facts.app.installationId },
    };
    expect(await fx.postWebhook("pull_request_review", payload)).toBe(200);
    await fx.arena.settled();
    await review(AWAITING, number, "APPROVE");
    expect(await entryOf(AWAITING)).toEqual(paid);
    expect(await ledgerCommits()).toBe(commits);
    await setConfig("payout: tests");
  }, 300_000);

  it("a pull request graded after the deadline is labelled late, unpaid, and says so", async () => {
    await setConfig("deadline_hours: 1");
    // The clock jumps two hours once the grading starts: the app decides after the deadline.
    const started = emitted(
      (e) =>
        e.event === "workflow_run" &&
        (e.payload.workflow_run as { display_title?: string }).display_title?.includes(
          `of ${org}/${GRADED_LATE}#`,
        ) === true,
    );
    void started.then(() => (offsetMs = 2 * 3_600_000));
    const number = await fx.solveWithOracle(GRADED_LATE);
    await fx.arena.settled();
    expect(offsetMs).toBe(2 * 3_600_000);
    const entry = await entryOf(GRADED_LATE);
    expect(entry).toMatchObject({ verdict: "pass", payout_cents: 0 });
    expect(entry?.why).toMatch(/^graded after the deadline /);
    expect((await pullOf(GRADED_LATE, number)).labels.map((l) => l.name)).toContain(LATE_LABEL);
    const [shown] = await payoutComments(GRADED_LATE, number, GRADED_LATE);
    expect(shown?.body).toContain("graded after the deadline");
  }, 300_000);

  it("a pull request opened after the deadline is refused, labelled late, with a comment", async () => {
    offsetMs = 2 * 3_600_000;
    const before = await fx.ledgerTree(`entries/${OPENED_LATE}`);
    const number = await fx.solveWithOracle(OPENED_LATE);
    await fx.arena.settled();
    expect((await pullOf(OPENED_LATE, number)).labels.map((l) => l.name)).toContain(LATE_LABEL);
    const [shown] = await payoutComments(OPENED_LATE, number, OPENED_LATE);
    expect(shown?.body).toContain("opened after the deadline");
    expect(await fx.ledgerTree(`entries/${OPENED_LATE}`)).toEqual(before);
    offsetMs = 0;
  }, 300_000);
});
