import { describe, expect, it } from "vitest";
import { startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";

const fx = await startSandboxFixture();
const org = fx.running.org;
const owner = org;

async function newRepo(name: string, options: Record<string, unknown> = {}): Promise<void> {
  await fx.admin.request("POST /orgs/{org}/repos", { org, name, ...options });
}

async function addAgent(repo: string): Promise<void> {
  await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
    owner,
    repo,
    username: "lancer-agent",
    permission: "push",
  });
}

/** `event.action` of every delivery about `repo`, in order, once all were delivered. */
async function events(repo: string): Promise<string[]> {
  await fx.settled();
  return fx.deliveries
    .filter((d) => (d.payload.repository as { name?: string } | undefined)?.name === repo)
    .map((d) => `${d.event}.${String(d.payload.action)}`);
}

async function payloads(repo: string, event: string): Promise<Array<Record<string, unknown>>> {
  await fx.settled();
  return fx.deliveries
    .filter((d) => d.event === event && (d.payload.repository as { name: string }).name === repo)
    .map((d) => d.payload);
}

describe("sandbox: issues", () => {
  it("opens an issue with labels and assignees, gets it, and sends opened, labeled, assigned", async () => {
    await newRepo("iss-basic");
    await addAgent("iss-basic");
    const { status, data, headers } = await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo: "iss-basic",
      title: "Price is wrong",
      body: "It says $1,000",
      labels: ["bug", "$1,000"],
      assignees: ["lancer-agent"],
    });
    expect(status).toBe(201);
    expect(headers.location).toMatch(/\/repos\/arena\/iss-basic\/issues\/1$/);
    expect(data).toMatchObject({ number: 1, state: "open", title: "Price is wrong", comments: 0 });
    expect(data.user?.login).toBe("lancer-admin");
    expect(data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["bug", "$1,000"]);
    expect(data.assignees?.map((a) => a.login)).toEqual(["lancer-agent"]);
    expect(data.assignee?.login).toBe("lancer-agent");
    expect(data.author_association).toBe("MEMBER");
    expect(data.pull_request).toBeUndefined();

    const got = await fx.agent.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner,
      repo: "iss-basic",
      issue_number: 1,
    });
    expect(got.data.id).toBe(data.id);
    const label = await fx.admin.request("GET /repos/{owner}/{repo}/labels/{name}", {
      owner,
      repo: "iss-basic",
      name: "$1,000",
    });
    expect(label.data).toMatchObject({ name: "$1,000", color: "ededed", default: false });

    const second = await fx.agent.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo: "iss-basic",
      title: 42 as unknown as string,
    });
    expect(second.data).toMatchObject({ number: 2, title: "42" });
    expect(second.data.user?.login).toBe("lancer-agent");

    expect(await events("iss-basic")).toEqual([
      "issues.opened",
      "issues.labeled",
      "issues.labeled",
      "issues.assigned",
      "issues.opened",
    ]);
    const [opened, labeled] = await payloads("iss-basic", "issues");
    expect((opened!.issue as { number: number }).number).toBe(1);
    expect((labeled!.label as { name: string }).name).toBe("bug");
    expect((opened!.sender as { login: string }).login).toBe("lancer-admin");
    expect(fx.invalidDeliveries()).toEqual([]);
  });

  it("answers 422 for a missing title or an unknown assignee and changes nothing", async () => {
    await newRepo("iss-reject");
    const repo = "iss-reject";
    expect(
      await statusOf(fx.admin.request(`POST /repos/${owner}/${repo}/issues`, { body: "no title" })),
    ).toBe(422);
    expect(
      await statusOf(
        fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "  " }),
      ),
    ).toBe(422);
    for (const assignee of ["nobody-at-all", "lancer-agent", "lancer[bot]"]) {
      expect(
        await statusOf(
          fx.admin.request("POST /repos/{owner}/{repo}/issues", {
            owner,
            repo,
            title: "t",
            labels: ["never-made"],
            assignees: [assignee],
          }),
        ),
      ).toBe(422);
    }
    const list = await fx.admin.request("GET /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      state: "all",
    });
    expect(list.data).toEqual([]);
    const labels = await fx.admin.request("GET /repos/{owner}/{repo}/labels", { owner, repo });
    expect(labels.data).toEqual([]);
    const first = await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      title: "ok",
    });
    expect(first.data.number).toBe(1);
    expect(await events(repo)).toEqual(["issues.opened"]);
  });

  it("lets anyone who can see a repo open issues, but only triagers touch others' issues", async () => {
    await newRepo("iss-public");
    const repo = "iss-public";
    const mine = await fx.agent.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      title: "from the agent",
      labels: ["dropped"],
      assignees: ["lancer-agent"],
    });
    // Without push access, labels and assignees are silently dropped, as GitHub documents.
    expect(mine.data.labels).toEqual([]);
    expect(mine.data.assignees).toEqual([]);
    expect(mine.data.author_association).toBe("NONE");
    const edited = await fx.agent.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner,
      repo,
      issue_number: mine.data.number,
      title: "retitled by its author",
      state: "closed",
    });
    expect(edited.data).toMatchObject({ title: "retitled by its author", state: "closed" });

    const theirs = await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      title: "admin's",
    });
    const before = await events(repo);
    expect(
      await statusOf(
        fx.agent.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
          owner,
          repo,
          issue_number: theirs.data.number,
          title: "hijacked",
          state: "closed",
        }),
      ),
    ).toBe(403);
    const after = await fx.admin.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner,
      repo,
      issue_number: theirs.data.number,
    });
    expect(after.data).toMatchObject({
      title: "admin's",
      state: "open",
      updated_at: theirs.data.updated_at,
    });
    expect(await events(repo)).toEqual(before);
  });

  it("hides a private repo's issues from the agent (404) and from anonymous callers", async () => {
    await newRepo("iss-private", { private: true });
    const repo = "iss-private";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "secret" });
    expect(
      await statusOf(fx.agent.request("GET /repos/{owner}/{repo}/issues", { owner, repo })),
    ).toBe(404);
    expect(
      await statusOf(
        fx.agent.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
          owner,
          repo,
          issue_number: 1,
        }),
      ),
    ).toBe(404);
    expect(
      await statusOf(
        fx.agent.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "in" }),
      ),
    ).toBe(404);
    expect(
      await statusOf(fx.anonymous.request("GET /repos/{owner}/{repo}/issues", { owner, repo })),
    ).toBe(404);
    const all = await fx.admin.request("GET /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      state: "all",
    });
    expect(all.data).toHaveLength(1);
    expect(
      await statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
          owner,
          repo,
          issue_number: 9,
        }),
      ),
    ).toBe(404);
  });

  it("lets the app's installation open issues as its bot, and refuses a token without issues: write", async () => {
    await newRepo("iss-app");
    const repo = "iss-app";
    const installation = await fx.installation();
    const { data } = await installation.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      title: "bot",
    });
    expect(data.user?.login).toBe("lancer[bot]");
    const { data: token } = await fx.app.octokit.request(
      "POST /app/installations/{installation_id}/access_tokens",
      { installation_id: fx.running.app.installationId, permissions: { issues: "read" } },
    );
    const { contractOctokit } = await import("../helpers/sandbox-fixture.ts");
    const reader = contractOctokit(fx.running.apiUrl, token.token);
    expect(
      await statusOf(
        reader.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "no" }),
      ),
    ).toBe(403);
    const list = await reader.request("GET /repos/{owner}/{repo}/issues", { owner, repo });
    expect(list.data.map((i) => i.title)).toEqual(["bot"]);
    await newRepo("iss-off", { has_issues: false });
    expect(
      await statusOf(
        fx.admin.request("POST /repos/{owner}/{repo}/issues", {
          owner,
          repo: "iss-off",
          title: "x",
        }),
      ),
    ).toBe(410);
  });

  it("edits, closes and reopens with edited, closed and reopened webhooks", async () => {
    await newRepo("iss-edit");
    const repo = "iss-edit";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      title: "old",
      body: "old body",
    });
    const params = { owner, repo, issue_number: 1 };
    const edited = await fx.admin.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      ...params,
      title: "new",
      body: "new body",
    });
    expect(edited.data).toMatchObject({ title: "new", body: "new body" });
    const closed = await fx.admin.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      ...params,
      state: "closed",
      state_reason: "not_planned",
    });
    expect(closed.data).toMatchObject({ state: "closed", state_reason: "not_planned" });
    expect(closed.data.closed_at).toEqual(expect.any(String));
    expect(closed.data.closed_by?.login).toBe("lancer-admin");
    expect(
      (await fx.admin.request("GET /repos/{owner}/{repo}/issues", { owner, repo })).data,
    ).toEqual([]);
    const reopened = await fx.admin.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      ...params,
      state: "open",
    });
    expect(reopened.data).toMatchObject({
      state: "open",
      state_reason: "reopened",
      closed_at: null,
      closed_by: null,
    });
    expect(
      await statusOf(
        fx.admin.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
          ...params,
          state: "shut" as "closed",
        }),
      ),
    ).toBe(422);
    expect(await events(repo)).toEqual([
      "issues.opened",
      "issues.edited",
      "issues.closed",
      "issues.reopened",
    ]);
    const [, editedHook, closedHook] = await payloads(repo, "issues");
    expect(editedHook!.changes).toEqual({ title: { from: "old" }, body: { from: "old body" } });
    expect((closedHook!.issue as { state: string }).state).toBe("closed");
    expect(fx.invalidDeliveries()).toEqual([]);
  });
});
