import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadBank, publicView } from "../../src/core/task/bank.ts";
import { seedBank, type SeedReport } from "../../src/github/seed/seed-bank.ts";
import { renderProposalComment, renderTaskIssue } from "../../src/github/task-issue.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyManagerTask, writeTinyTask } from "../helpers/tiny-bank.ts";
import { appAuth, contractFetch } from "./seed-helpers.ts";

const fx = await startSandboxFixture();
const org = fx.running.org;
const root = tempDir("lancer-seed-resume-");
const bankDir = path.join(root, "bank");
writeTinyTask(bankDir, "ic-issue-first");
writeTinyTask(bankDir, "ic-agent-copied-marker");
writeTinyTask(bankDir, "ic-repo-answer-lost");
writeTinyManagerTask(bankDir, "mgr-issue-answer-lost");
writeTinyManagerTask(bankDir, "mgr-died-mid-proposals");
writeTinyManagerTask(bankDir, "mgr-token-revoked");
writeTinyTask(bankDir, "ic-external-base", {
  source: { repo: "Expensify/App", external: true },
});
const bank = await loadBank(bankDir);
const problems: string[] = [];

function seed(
  only: string[],
  breakAfter?: (method: string, pathname: string, status: number) => boolean,
): Promise<SeedReport> {
  return seedBank({
    bankDir,
    org,
    serverUrl: fx.running.url,
    auth: appAuth(fx),
    only,
    agents: [fx.running.users.agent],
    cacheDir: path.join(root, "cache"),
    workDir: root,
    fetch: contractFetch(fx.running.apiUrl, problems, breakAfter),
  });
}

function task(id: string) {
  return bank.find((t) => t.task.id === id)!.task;
}

async function issuesOf(repo: string) {
  const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/issues", {
    owner: org,
    repo,
    state: "all",
  });
  return data;
}

async function commentBodies(repo: string, issue: number): Promise<string[]> {
  const { data } = await fx.admin.request(
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    { owner: org, repo, issue_number: issue },
  );
  return data.map((c) => c.body ?? "");
}

describe("seedBank resumes what a previous run left", () => {
  it("finds the app's issue that a run opened before dying, and opens no second one", async () => {
    const app = await fx.installation();
    await app.request("POST /orgs/{org}/repos", { org, name: "ic-issue-first" });
    const rendered = renderTaskIssue(publicView(task("ic-issue-first")));
    await app.request("POST /repos/{owner}/{repo}/issues", {
      owner: org,
      repo: "ic-issue-first",
      ...rendered,
    });
    const report = await seed(["ic-issue-first"]);
    expect(report.tasks[0]!.created).toMatchObject({
      repo: false,
      content: "pushed",
      issue: false,
    });
    expect(report.tasks[0]!.issue_number).toBe(1);
    expect(await issuesOf("ic-issue-first")).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it("opens the task's own issue when the only one with its marker is someone else's", async () => {
    const app = await fx.installation();
    await app.request("POST /orgs/{org}/repos", { org, name: "ic-agent-copied-marker" });
    await app.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner: org,
      repo: "ic-agent-copied-marker",
      username: fx.running.users.agent,
      permission: "push",
    });
    const rendered = renderTaskIssue(publicView(task("ic-agent-copied-marker")));
    await fx.agent.request("POST /repos/{owner}/{repo}/issues", {
      owner: org,
      repo: "ic-agent-copied-marker",
      ...rendered,
    });
    const report = await seed(["ic-agent-copied-marker"]);
    expect(report.tasks[0]!.created).toMatchObject({ issue: true, collaborators: [] });
    expect(report.tasks[0]!.issue_number).toBe(2);
    const issues = await issuesOf("ic-agent-copied-marker");
    expect(issues.map((i) => [i.number, i.user?.login]).sort()).toEqual([
      [1, fx.running.users.agent],
      [2, "lancer[bot]"],
    ]);
  });

  it("finds the repository whose creation was answered after the run died", async () => {
    // The grader and the ledger exist already: the only repository created is the mirror.
    const lost = (method: string, pathname: string, status: number) =>
      method === "POST" && pathname === `/orgs/${org}/repos` && status === 201;
    await expect(seed(["ic-repo-answer-lost"], lost)).rejects.toThrow(
      /ic-repo-answer-lost.*connection reset after POST \/orgs\/arena\/repos/,
    );
    const report = await seed(["ic-repo-answer-lost"]);
    expect(report.tasks[0]!.created).toMatchObject({ repo: false, content: "pushed", issue: true });
    expect(await issuesOf("ic-repo-answer-lost")).toHaveLength(1);
  });

  it("finds the issue whose creation was answered after the run died, then posts the proposals", async () => {
    const id = "mgr-issue-answer-lost";
    await expect(
      seed(
        [id],
        (method, pathname, status) =>
          method === "POST" && pathname === `/repos/${org}/${id}/issues` && status === 201,
      ),
    ).rejects.toThrow(new RegExp(`${id}.*connection reset`));
    expect(await issuesOf(id)).toHaveLength(1);
    expect(await commentBodies(id, 1)).toEqual([]);
    const report = await seed([id]);
    expect(report.tasks[0]!.created).toMatchObject({ repo: false, issue: false, proposals: 3 });
    expect(await issuesOf(id)).toHaveLength(1);
    expect(await commentBodies(id, 1)).toEqual(
      task(id).proposals!.map((p) => renderProposalComment(p)),
    );
  });

  it("posts only the proposals a run that died half-way had not posted, each once, in order", async () => {
    const id = "mgr-died-mid-proposals";
    let posted = 0;
    await expect(
      seed([id], (method, pathname, status) => {
        if (method !== "POST" || !pathname.endsWith("/issues/1/comments") || status !== 201)
          return false;
        posted += 1;
        return posted === 2;
      }),
    ).rejects.toThrow(/connection reset/);
    expect(await commentBodies(id, 1)).toHaveLength(2);
    const report = await seed([id]);
    expect(report.tasks[0]!.created).toMatchObject({
      issue: false,
      proposals: 1,
      proposals_found: 2,
    });
    expect(await commentBodies(id, 1)).toEqual(
      task(id).proposals!.map((p) => renderProposalComment(p)),
    );
    const again = await seed([id]);
    expect(again.tasks[0]!.created).toMatchObject({ proposals: 0, proposals_found: 3 });
    expect(await commentBodies(id, 1)).toHaveLength(3);
    expect(problems).toEqual([]);
  });

  it("mints the installation token again once when GitHub refuses it (401) mid-run", async () => {
    const id = "mgr-token-revoked";
    const { tokens } = fx.running.sandbox.store;
    let revoked = 0;
    const report = await seed([id], (method, pathname, status) => {
      // Once the issue is open, every installation token stops working (expired or revoked).
      if (method === "POST" && pathname === `/repos/${org}/${id}/issues` && status === 201) {
        for (const [token, record] of tokens)
          if (record.principal.kind === "installation") {
            tokens.delete(token);
            revoked += 1;
          }
      }
      return false;
    });
    expect(revoked).toBeGreaterThan(0);
    expect(report.requests.by_route).toMatchObject({
      "POST /app/installations/{installation_id}/access_tokens": 2,
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": 4,
    });
    expect(report.tasks[0]!.created).toMatchObject({ issue: true, proposals: 3 });
    expect(await commentBodies(id, 1)).toHaveLength(3);
    // GitHub answers a bad token with 401 on every route, documented for the route or not.
    expect(problems.filter((p) => !p.includes("status 401 is not documented"))).toEqual([]);
  });

  it("skips a task whose base is not available here, creating nothing for it", async () => {
    const report = await seed(["ic-external-base", "ic-issue-first"]);
    expect(report.skipped).toEqual([
      { id: "ic-external-base", reason: "the base of Expensify/App is not available here" },
    ]);
    expect(report.tasks.map((t) => t.id)).toEqual(["ic-issue-first"]);
    const { data: repos } = await fx.admin.request("GET /orgs/{org}/repos", { org });
    expect(repos.map((r) => r.name)).not.toContain("ic-external-base");
  });
});
