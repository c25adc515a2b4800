import { describe, expect, it } from "vitest";
import { storeNewIssue } from "../../src/sandbox/issues/create-issue.ts";
import { startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";

const fx = await startSandboxFixture();
const org = fx.running.org;
const owner = org;

async function newRepo(name: string): Promise<void> {
  await fx.admin.request("POST /orgs/{org}/repos", { org, name });
}

async function addAgent(repo: string): Promise<void> {
  await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
    owner,
    repo,
    username: "lancer-agent",
    permission: "push",
  });
}

describe("sandbox: listing issues", () => {
  it("filters the list by state, labels, assignee, creator and since; sorts; pages with Link", async () => {
    await newRepo("iss-list");
    await addAgent("iss-list");
    const repo = "iss-list";
    const create = (title: string, extra: Record<string, unknown>, client = fx.admin) =>
      client.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title, ...extra });
    await create("one", { labels: ["a", "b"], assignees: ["lancer-agent"] });
    await create("two", { labels: ["a"] });
    await create("three", {}, fx.agent);
    await create("four", { labels: ["b"], assignees: ["lancer-admin", "lancer-agent"] });
    await create("five", {});
    await fx.admin.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner,
      repo,
      issue_number: 5,
      state: "closed",
    });
    await fx.admin.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner,
      repo,
      issue_number: 2,
      body: "hi",
    });
    const titles = async (query: Record<string, string | number>) =>
      (
        await fx.admin.request("GET /repos/{owner}/{repo}/issues", { owner, repo, ...query })
      ).data.map((i) => i.title);
    expect(await titles({})).toEqual(["four", "three", "two", "one"]);
    expect(await titles({ state: "closed" })).toEqual(["five"]);
    expect(await titles({ state: "all", direction: "asc" })).toEqual([
      "one",
      "two",
      "three",
      "four",
      "five",
    ]);
    expect(await titles({ labels: "a,b" })).toEqual(["one"]);
    expect(await titles({ labels: "A" })).toEqual(["two", "one"]);
    expect(await titles({ assignee: "none" })).toEqual(["three", "two"]);
    expect(await titles({ assignee: "*" })).toEqual(["four", "one"]);
    expect(await titles({ assignee: "lancer-admin" })).toEqual(["four"]);
    expect(await titles({ creator: "lancer-agent" })).toEqual(["three"]);
    expect((await titles({ sort: "comments" }))[0]).toBe("two");
    expect(await titles({ since: "2999-01-01T00:00:00Z" })).toEqual([]);
    expect(await titles({ since: "2000-01-01T00:00:00Z" })).toHaveLength(4);
    expect(
      await statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}/issues", { owner, repo, since: "nope" }),
      ),
    ).toBe(422);

    const page = await fx.admin.request("GET /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      state: "all",
      per_page: 2,
    });
    expect(page.data.map((i) => i.title)).toEqual(["five", "four"]);
    expect(page.headers.link).toContain('rel="next"');
    const all = await fx.admin.paginate("GET /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      state: "all",
      per_page: 2,
    });
    expect(all.map((i) => i.number)).toEqual([5, 4, 3, 2, 1]);
  });

  it("lists a pull request's issue with its pull_request links, sharing the number sequence", async () => {
    await newRepo("iss-pulls");
    const repo = "iss-pulls";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "plain" });
    const { store } = fx.running.sandbox;
    const stored = store.repoByName(owner, repo)!;
    const pullId = store.nextId();
    const conversation = storeNewIssue(store, stored, {
      title: "a pull",
      body: null,
      userId: stored.ownerId,
      pullRequestId: pullId,
    });
    store.putPull({
      id: pullId,
      repoId: stored.id,
      number: conversation.number,
      issueId: conversation.id,
      headRef: "topic",
      headSha: "0".repeat(40),
      headRepoId: stored.id,
      baseRef: "main",
      baseSha: "0".repeat(40),
      draft: false,
      merged: false,
      mergedAt: null,
      mergedById: null,
      mergeCommitSha: null,
      maintainerCanModify: false,
    });
    const list = await fx.admin.request("GET /repos/{owner}/{repo}/issues", { owner, repo });
    expect(list.data.map((i) => i.number)).toEqual([2, 1]);
    expect(list.data[0]!.pull_request?.url).toMatch(/\/pulls\/2$/);
    expect(list.data[0]!.html_url).toMatch(/\/pull\/2$/);
    expect(list.data[1]!.pull_request).toBeUndefined();
    const next = await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      title: "after",
    });
    expect(next.data.number).toBe(3);
  });
});
