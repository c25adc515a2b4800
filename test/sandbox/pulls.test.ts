import path from "node:path";
import { RequestError } from "octokit";
import { describe, expect, it } from "vitest";
import { git, gitOutput } from "../../src/core/git/git.ts";
import type { WebhookEvent } from "../../src/sandbox/webhooks/dispatcher.ts";
import { localRepo, tokenRemote, watchEmits, type Commit } from "../helpers/local-git.ts";
import { contractOctokit, startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const fx = await startSandboxFixture();
const org = fx.running.org;
const { store } = fx.running.sandbox;
const work = tempDir();
const owner = org;
const repo = "flow";

const emitted = watchEmits(fx.running.sandbox);
const remote = (token: string) => tokenRemote(fx.running.url, `${org}/${repo}`, token);
const local = path.join(work, "local");
let commit: Commit;

/** Pushes `branch` and waits for the sandbox to have handled the push (and any synchronize). */
async function push(token: string, branch: string, then?: (e: WebhookEvent) => boolean) {
  const done = emitted(
    then ?? ((e) => e.event === "push" && e.payload.ref === `refs/heads/${branch}`),
  );
  await git(["push", "-q", "-f", remote(token), `HEAD:refs/heads/${branch}`], { cwd: local });
  await done;
}

const bareSha = (ref: string) =>
  gitOutput(["--git-dir", path.join(fx.dir, "git", org, `${repo}.git`), "rev-parse", ref], {
    cwd: work,
  });
const pullsOf = (action?: string) =>
  fx.deliveries.filter(
    (d) => d.event === "pull_request" && (action === undefined || d.payload.action === action),
  );
async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RequestError) return error.response?.data as Record<string, unknown>;
    throw error;
  }
  throw new Error("the request succeeded");
}

const tokens = fx.running.tokens;
type Client = typeof fx.admin;
const getPull = (n: number) =>
  fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
    owner,
    repo,
    pull_number: n,
  });
const openPull = (fields: Record<string, unknown>, client: Client = fx.agent) =>
  client.request("POST /repos/{owner}/{repo}/pulls", {
    owner,
    repo,
    title: "t",
    head: "feature",
    base: "main",
    ...fields,
  });
const mergePull = (n: number, fields: Record<string, unknown> = {}, client: Client = fx.admin) =>
  client.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
    owner,
    repo,
    pull_number: n,
    ...fields,
  });
const listPulls = (query: Record<string, string> = {}) =>
  fx.admin.request("GET /repos/{owner}/{repo}/pulls", { owner, repo, ...query });
let mainSha = "";
let featureSha = "";

describe("sandbox: pull requests", () => {
  it("opens a pull request from a branch the agent pushed", async () => {
    await fx.admin.request("POST /orgs/{org}/repos", { org, name: repo, private: true });
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner,
      repo,
      username: "lancer-agent",
      permission: "push",
    });
    ({ commit } = await localRepo(local));
    mainSha = await commit(
      { "README.md": "# flow\n", "src/app.js": "const a = 1;\nconst b = 2;\nexport { a, b };\n" },
      "first",
    );
    await push(tokens.admin, "main");
    await git(["checkout", "-q", "-b", "feature"], { cwd: local });
    featureSha = await commit(
      {
        "src/app.js": "const a = 1;\nconst b = 3;\nconst c = 4;\nexport { a, b, c };\n",
        "docs/new.md": "new\nfile\n",
      },
      "Change b, add c",
    );
    await push(tokens.agent, "feature");
    const created = await openPull({ title: "Add c", body: "Adds c." });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      number: 1,
      state: "open",
      title: "Add c",
      body: "Adds c.",
      merged: false,
      mergeable: true,
      mergeable_state: "clean",
      commits: 1,
      additions: 5,
      deletions: 2,
      changed_files: 2,
      user: { login: "lancer-agent" },
      head: { ref: "feature", sha: featureSha, label: `${org}:feature` },
      base: { ref: "main", sha: mainSha },
    });
    const issue = store.issueByNumber(store.repoByName(owner, repo)!.id, 1)!;
    expect(issue.pullRequestId).toBe(created.data.id);
    await fx.settled();
    const opened = pullsOf("opened");
    expect(opened).toHaveLength(1);
    expect(opened[0]!.signatureValid).toBe(true);
    expect(await bareSha("refs/pull/1/head")).toBe(featureSha);
  });

  it("lists, filters and gets pull requests", async () => {
    expect((await listPulls()).data.map((p) => p.number)).toEqual([1]);
    expect((await listPulls({ head: `${org}:feature` })).data).toHaveLength(1);
    expect((await listPulls({ base: "other" })).data).toHaveLength(0);
    expect((await listPulls({ state: "closed" })).data).toHaveLength(0);
    expect((await getPull(1)).data.head.sha).toBe(featureSha);
    expect(await statusOf(getPull(99))).toBe(404);
  });

  it("lists the files and commits with git's counts and patches", async () => {
    const files = await fx.agent.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      owner,
      repo,
      pull_number: 1,
    });
    const byName = Object.fromEntries(files.data.map((f) => [f.filename, f]));
    expect(Object.keys(byName).sort()).toEqual(["docs/new.md", "src/app.js"]);
    expect(byName["docs/new.md"]).toMatchObject({ status: "added", additions: 2, deletions: 0 });
    expect(byName["docs/new.md"]!.sha).toBe(
      await gitOutput(["rev-parse", "HEAD:docs/new.md"], { cwd: local }),
    );
    expect(byName["src/app.js"]).toMatchObject({
      status: "modified",
      additions: 3,
      deletions: 2,
      changes: 5,
    });
    expect(byName["src/app.js"]!.patch).toMatch(/^@@ -1,3 \+1,4 @@/);
    expect(byName["src/app.js"]!.patch).toContain(
      " const a = 1;\n-const b = 2;\n-export { a, b };\n+const b = 3;\n+const c = 4;",
    );
    const commits = await fx.agent.request(
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/commits",
      { owner, repo, pull_number: 1 },
    );
    expect(commits.data.map((c) => c.sha)).toEqual([featureSha]);
    expect(commits.data[0]!.commit.message).toBe("Change b, add c");
    expect(commits.data[0]!.parents[0]!.sha).toBe(mainSha);
  });

  it("refuses bad pull requests with GitHub's 422s and changes nothing", async () => {
    await git(["branch", "-f", "empty", mainSha], { cwd: local });
    await git(["push", "-q", remote(tokens.admin), "empty"], { cwd: local });
    const before = store.pulls.size;
    expect(await errorOf(openPull({ head: "nope" }))).toMatchObject({
      errors: [{ resource: "PullRequest", field: "head", code: "invalid" }],
    });
    expect(await errorOf(openPull({ base: "nope" }))).toMatchObject({
      errors: [{ resource: "PullRequest", field: "base", code: "invalid" }],
    });
    expect(await errorOf(openPull({ head: "empty" }))).toMatchObject({
      errors: [{ code: "custom", message: "No commits between main and empty" }],
    });
    expect(await errorOf(openPull({ head: `${org}:feature` }))).toMatchObject({
      errors: [{ code: "custom", message: `A pull request already exists for ${org}:feature.` }],
    });
    expect(await statusOf(openPull({ title: undefined }))).toBe(422);
    expect(await statusOf(openPull({ head: "someone-else:feature" }))).toBe(422);
    expect(store.pulls.size).toBe(before);
    expect(store.repoByName(owner, repo)!.nextNumber).toBe(2);
  });

  it("takes reviews, but not the author's own approval", async () => {
    const review = (client: typeof fx.admin, event: "APPROVE" | "COMMENT", body?: string) =>
      client.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
        owner,
        repo,
        pull_number: 1,
        event,
        ...(body === undefined ? {} : { body }),
      });
    const own = await errorOf(review(fx.agent, "APPROVE"));
    expect(own.errors).toEqual(["Can not approve your own pull request"]);
    const approved = await review(fx.admin, "APPROVE", "Looks good");
    expect(approved.data).toMatchObject({ state: "APPROVED", commit_id: featureSha });
    await review(fx.agent, "COMMENT", "Thanks");
    const list = await fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
      owner,
      repo,
      pull_number: 1,
    });
    expect(list.data.map((r) => r.state)).toEqual(["APPROVED", "COMMENTED"]);
    const one = await fx.admin.request(
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}",
      { owner, repo, pull_number: 1, review_id: Number(approved.data.id) },
    );
    expect(one.data.body).toBe("Looks good");
    await fx.settled();
    const submitted = fx.deliveries.filter((d) => d.event === "pull_request_review");
    expect(submitted.map((d) => (d.payload.review as { state: string }).state)).toEqual([
      "approved",
      "commented",
    ]);
  });

  it("reports a user's role on a repository (collaborators/{username}/permission)", async () => {
    const level = async (username: string, client: typeof fx.admin = fx.admin) =>
      (
        await client.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
          owner,
          repo,
          username,
        })
      ).data;
    expect(await level(fx.running.users.admin)).toMatchObject({
      permission: "admin",
      role_name: "admin",
      user: { login: fx.running.users.admin, permissions: { admin: true, maintain: true } },
    });
    expect(await level(fx.running.users.agent)).toMatchObject({
      permission: "write",
      role_name: "write",
    });
    // maintain reads as the legacy "write"; role_name tells it apart, as on GitHub.
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner,
      repo,
      username: fx.running.users.agent,
      permission: "maintain",
    });
    expect(await level(fx.running.users.agent)).toMatchObject({
      permission: "write",
      role_name: "maintain",
      user: { permissions: { maintain: true, admin: false } },
    });
    // The app reads it with its installation token (metadata: read).
    expect(await level(fx.running.users.agent, await fx.installation())).toMatchObject({
      role_name: "maintain",
    });
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner,
      repo,
      username: fx.running.users.agent,
      permission: "push",
    });
    expect(
      await statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
          owner,
          repo,
          username: "nobody-here",
        }),
      ),
    ).toBe(404);
  });

  it("synchronizes the pull request when its branch is pushed again", async () => {
    await git(["checkout", "-q", "feature"], { cwd: local });
    const second = await commit({ "docs/new.md": "new\nfile\nmore\n" }, "More docs");
    await push(
      tokens.agent,
      "feature",
      (e) => e.event === "pull_request" && e.action === "synchronize",
    );
    await fx.settled();
    const sync = pullsOf("synchronize");
    expect(sync).toHaveLength(1);
    expect(sync[0]!.payload).toMatchObject({ before: featureSha, after: second, number: 1 });
    const got = await getPull(1);
    expect(got.data).toMatchObject({ commits: 2, additions: 6, head: { sha: second } });
    featureSha = second;
  });

  it("edits, closes and reopens a pull request", async () => {
    const update = (fields: Record<string, unknown>) =>
      fx.agent.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
        owner,
        repo,
        pull_number: 1,
        ...fields,
      });
    expect((await update({ title: "Add c and docs" })).data.title).toBe("Add c and docs");
    expect((await update({ state: "closed" })).data.state).toBe("closed");
    expect((await update({ state: "open" })).data.state).toBe("open");
    expect(await statusOf(update({ state: "merged" }))).toBe(422);
    expect((await update({ base: "empty" })).data.base.ref).toBe("empty");
    expect((await update({ base: "main" })).data.base).toMatchObject({ ref: "main", sha: mainSha });
    // A pull request's labels go through the issues API; GitHub then sends `pull_request`.
    const labeled = emitted((e) => e.event === "pull_request" && e.action === "labeled");
    await fx.admin.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner,
      repo,
      issue_number: 1,
      labels: ["ready"],
    });
    await labeled;
    await fx.settled();
    const edited = pullsOf("edited");
    expect(edited[0]!.payload.changes).toEqual({ title: { from: "Add c" } });
    expect(edited[2]!.payload.changes).toEqual({
      base: { ref: { from: "empty" }, sha: { from: mainSha } },
    });
    expect(pullsOf("labeled")[0]!.payload).toMatchObject({
      label: { name: "ready" },
      pull_request: { labels: [{ name: "ready" }] },
    });
    expect(pullsOf("closed")[0]!.payload.pull_request).toMatchObject({ merged: false });
    expect(pullsOf("reopened")).toHaveLength(1);
  });

  it("merges for real, with 409 on a stale sha and 405 once merged", async () => {
    const isMerged = () =>
      statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
          owner,
          repo,
          pull_number: 1,
        }),
      );
    expect(await isMerged()).toBe(404);
    expect(await statusOf(mergePull(1, { sha: mainSha }))).toBe(409);
    const merged = await mergePull(1, { sha: featureSha, merge_method: "merge" });
    expect(merged.data.merged).toBe(true);
    expect(await bareSha("refs/heads/main")).toBe(merged.data.sha);
    expect(await bareSha(`${merged.data.sha}^1`)).toBe(mainSha);
    expect(await bareSha(`${merged.data.sha}^2`)).toBe(featureSha);
    expect(await isMerged()).toBe(0);
    expect(await statusOf(mergePull(1))).toBe(405);
    expect((await getPull(1)).data).toMatchObject({
      state: "closed",
      merged: true,
      merge_commit_sha: merged.data.sha,
      merged_by: { login: "lancer-admin" },
      commits: 2,
    });
    await fx.settled();
    const closed = pullsOf("closed").at(-1)!;
    expect(closed.payload.pull_request).toMatchObject({ merged: true, state: "closed" });
    const pushedMain = [...store.deliveries.values()].filter(
      (d) =>
        d.event === "push" && (d.request.payload as { after?: string }).after === merged.data.sha,
    );
    expect(pushedMain).toHaveLength(1);
    mainSha = merged.data.sha;
  });

  it("squashes, and answers 405 for a pull request that conflicts", async () => {
    await git(["fetch", "-q", remote(tokens.admin), "main"], { cwd: local });
    await git(["checkout", "-q", "-b", "squashy", mainSha], { cwd: local });
    await commit({ "a.txt": "a\n" }, "a");
    const squashHead = await commit({ "b.txt": "b\n" }, "b");
    await push(tokens.agent, "squashy");
    await git(["checkout", "-q", "-b", "clash", mainSha], { cwd: local });
    await commit({ "README.md": "# clash\n" }, "clash");
    await push(tokens.agent, "clash");
    await git(["checkout", "-q", "-B", "main", mainSha], { cwd: local });
    mainSha = await commit({ "README.md": "# main moved\n" }, "move main");
    await push(tokens.admin, "main");
    const squashy = (await openPull({ title: "squashy", head: "squashy" })).data;
    const clash = (await openPull({ head: "clash" })).data;
    expect(clash).toMatchObject({ mergeable: false, mergeable_state: "dirty" });
    expect(await statusOf(mergePull(clash.number))).toBe(405);
    const squashed = await mergePull(squashy.number, { merge_method: "squash", sha: squashHead });
    const parents = await gitOutput(
      ["--git-dir", path.join(fx.dir, "git", org, `${repo}.git`), "log", "-1", "--format=%P %s"],
      { cwd: work },
    );
    expect(parents).toBe(`${mainSha} squashy (#${squashy.number})`);
    expect(await bareSha("refs/heads/main")).toBe(squashed.data.sha);
    expect(await bareSha(`${squashed.data.sha}:b.txt`)).toBe(
      await gitOutput(["rev-parse", `${squashHead}:b.txt`], { cwd: local }),
    );
  });

  it("lets a read-only user open a pull request but not merge it; apps need pull_requests", async () => {
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner,
      repo,
      username: "lancer-agent",
      permission: "pull",
    });
    await git(["checkout", "-q", "-b", "reader", mainSha], { cwd: local });
    await commit({ "r.txt": "r\n" }, "r");
    await push(tokens.admin, "reader");
    const pr = await openPull({ title: "from a reader", head: "reader" });
    expect(pr.status).toBe(201);
    expect(await statusOf(mergePull(pr.data.number, {}, fx.agent))).toBe(403);
    const { data: narrow } = await fx.app.octokit.request(
      "POST /app/installations/{installation_id}/access_tokens",
      {
        installation_id: fx.running.app.installationId,
        permissions: { pull_requests: "read", contents: "read" },
      },
    );
    const reader = contractOctokit(fx.running.apiUrl, narrow.token);
    expect(
      await statusOf(
        reader.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
          owner,
          repo,
          pull_number: pr.data.number,
          body: "nope",
        }),
      ),
    ).toBe(403);
    const app = await fx.installation();
    const edited = await app.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner,
      repo,
      pull_number: pr.data.number,
      body: "edited by the app",
    });
    expect(edited.data.body).toBe("edited by the app");
    expect(edited.data.user?.login).toBe("lancer-agent");
  });

  it("sent every webhook signed and valid", async () => {
    await fx.settled();
    const bad = fx.deliveries.filter((d) => !d.signatureValid || d.event.startsWith("INVALID"));
    expect(bad.map((d) => d.event)).toEqual([]);
    expect(pullsOf().length).toBeGreaterThanOrEqual(8);
  });
});
