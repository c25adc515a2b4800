import { describe, expect, it } from "vitest";
import { startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";

const fx = await startSandboxFixture();
const owner = fx.running.org;

async function newRepo(name: string, agent?: "push" | "triage"): Promise<void> {
  await fx.admin.request("POST /orgs/{org}/repos", { org: owner, name });
  if (agent)
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner,
      repo: name,
      username: "lancer-agent",
      permission: agent,
    });
}

/** `event.action (label or assignee)` of every `issues` delivery about `repo`. */
async function issueEvents(repo: string): Promise<string[]> {
  await fx.settled();
  return fx.deliveries
    .filter((d) => d.event === "issues" && (d.payload.repository as { name: string }).name === repo)
    .map((d) => {
      const what =
        (d.payload.label as { name: string } | undefined)?.name ??
        (d.payload.assignee as { login: string } | undefined)?.login;
      return `${String(d.payload.action)}${what === undefined ? "" : ` ${what}`}`;
    });
}

/** A request GitHub documents no such status for (so not through the contract client). */
async function raw(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${fx.running.apiUrl}${path}`, {
    method,
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const names = (labels: Array<{ name: string }>) => labels.map((l) => l.name);

describe("sandbox: labels", () => {
  it("creates, gets, renames, recolors and deletes a repository label, names with $ , and spaces included", async () => {
    await newRepo("lab-crud");
    const repo = "lab-crud";
    const created = await fx.admin.request("POST /repos/{owner}/{repo}/labels", {
      owner,
      repo,
      name: "$1,000",
      color: "#FF0000",
      description: "a bounty",
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: "$1,000",
      color: "ff0000",
      description: "a bounty",
      default: false,
    });
    expect(created.data.url).toMatch(/\/labels\/%241%2C000$/);
    const got = await fx.agent.request("GET /repos/{owner}/{repo}/labels/{name}", {
      owner,
      repo,
      name: "$1,000",
    });
    expect(got.data.id).toBe(created.data.id);
    // Label names compare case-insensitively: a second "$1,000" is taken, in any case.
    expect(
      await statusOf(
        fx.admin.request("POST /repos/{owner}/{repo}/labels", { owner, repo, name: "$1,000" }),
      ),
    ).toBe(422);
    expect(
      await statusOf(
        fx.admin.request("POST /repos/{owner}/{repo}/labels", {
          owner,
          repo,
          name: "x",
          color: "red",
        }),
      ),
    ).toBe(422);
    const renamed = await fx.admin.request("PATCH /repos/{owner}/{repo}/labels/{name}", {
      owner,
      repo,
      name: "$1,000",
      new_name: "good first issue",
      color: "00ff00",
    });
    expect(renamed.data).toMatchObject({
      name: "good first issue",
      color: "00ff00",
      description: "a bounty",
    });
    const byNewName = await fx.admin.request("GET /repos/{owner}/{repo}/labels/{name}", {
      owner,
      repo,
      name: "Good First Issue",
    });
    expect(byNewName.data.id).toBe(created.data.id);
    await fx.admin.request("POST /repos/{owner}/{repo}/labels", { owner, repo, name: "another" });
    const list = await fx.anonymous.request("GET /repos/{owner}/{repo}/labels", { owner, repo });
    expect(names(list.data)).toEqual(["another", "good first issue"]);
    expect(list.data[0]!.color).toBe("ededed");
    const deleted = await fx.admin.request("DELETE /repos/{owner}/{repo}/labels/{name}", {
      owner,
      repo,
      name: "good first issue",
    });
    expect(deleted.status).toBe(204);
    expect(
      await statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}/labels/{name}", {
          owner,
          repo,
          name: "good first issue",
        }),
      ),
    ).toBe(404);
  });

  it("refuses label changes to a caller without triage and changes nothing", async () => {
    await newRepo("lab-perm");
    const repo = "lab-perm";
    await fx.admin.request("POST /repos/{owner}/{repo}/labels", { owner, repo, name: "keep" });
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      title: "t",
      labels: ["keep"],
    });
    const token = fx.running.tokens.agent;
    expect(
      (await raw("POST", `/repos/${owner}/${repo}/labels`, token, { name: "mine" })).status,
    ).toBe(403);
    expect(
      (await raw("PATCH", `/repos/${owner}/${repo}/labels/keep`, token, { color: "000000" }))
        .status,
    ).toBe(403);
    expect(
      (await raw("POST", `/repos/${owner}/${repo}/issues/1/labels`, token, { labels: ["x"] }))
        .status,
    ).toBe(403);
    expect(
      (await raw("PUT", `/repos/${owner}/${repo}/issues/1/labels`, token, { labels: [] })).status,
    ).toBe(403);
    expect(
      (await raw("DELETE", `/repos/${owner}/${repo}/issues/1/labels/keep`, token)).status,
    ).toBe(403);
    // Triage applies labels but does not create, edit or delete them.
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner,
      repo,
      username: "lancer-agent",
      permission: "triage",
    });
    expect(
      (await raw("POST", `/repos/${owner}/${repo}/labels`, token, { name: "mine" })).status,
    ).toBe(403);
    expect((await raw("DELETE", `/repos/${owner}/${repo}/labels/keep`, token)).status).toBe(403);
    const applied = await fx.agent.request(
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
      {
        owner,
        repo,
        issue_number: 1,
        name: "keep",
      },
    );
    expect(applied.data).toEqual([]);
    await fx.agent.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner,
      repo,
      issue_number: 1,
      labels: ["keep"],
    });
    const labels = await fx.admin.request("GET /repos/{owner}/{repo}/labels", { owner, repo });
    expect(labels.data.map((l) => [l.name, l.color])).toEqual([["keep", "ededed"]]);
    const onIssue = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/labels",
      {
        owner,
        repo,
        issue_number: 1,
      },
    );
    expect(names(onIssue.data)).toEqual(["keep"]);
  });

  it("adds, sets and removes an issue's labels with labeled and unlabeled webhooks", async () => {
    await newRepo("lab-issue", "push");
    const repo = "lab-issue";
    await fx.admin.request("POST /repos/{owner}/{repo}/labels", {
      owner,
      repo,
      name: "bug",
      color: "d73a4a",
    });
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "t" });
    const params = { owner, repo, issue_number: 1 };
    const added = await fx.agent.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
      {
        ...params,
        labels: ["BUG", "$1,000"],
      },
    );
    expect(names(added.data)).toEqual(["bug", "$1,000"]);
    const again = await fx.agent.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
      {
        ...params,
        labels: ["bug"],
      },
    );
    expect(names(again.data)).toEqual(["bug", "$1,000"]);
    const set = await fx.agent.request("PUT /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      ...params,
      labels: ["$1,000", "help wanted"],
    });
    expect(names(set.data)).toEqual(["$1,000", "help wanted"]);
    const removed = await fx.agent.request(
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
      {
        ...params,
        name: "$1,000",
      },
    );
    expect(names(removed.data)).toEqual(["help wanted"]);
    expect(
      await statusOf(
        fx.agent.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
          ...params,
          name: "bug",
        }),
      ),
    ).toBe(404);
    const patched = await fx.agent.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      ...params,
      labels: ["bug"],
    });
    expect(patched.data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["bug"]);
    const cleared = await fx.agent.request(
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels",
      params,
    );
    expect(cleared.status).toBe(204);
    const list = await fx.agent.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/labels",
      params,
    );
    expect(list.data).toEqual([]);
    expect(await issueEvents(repo)).toEqual([
      "opened",
      "labeled bug",
      "labeled $1,000",
      "unlabeled bug",
      "labeled help wanted",
      "unlabeled $1,000",
      "unlabeled help wanted",
      "labeled bug",
      "unlabeled bug",
    ]);
    expect(fx.invalidDeliveries()).toEqual([]);
  });

  it("takes a label off every issue when the label is deleted", async () => {
    await newRepo("lab-delete");
    const repo = "lab-delete";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      title: "t",
      labels: ["gone", "stays"],
    });
    await fx.admin.request("DELETE /repos/{owner}/{repo}/labels/{name}", {
      owner,
      repo,
      name: "gone",
    });
    const issue = await fx.admin.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner,
      repo,
      issue_number: 1,
    });
    expect(issue.data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["stays"]);
  });
});

describe("sandbox: assignees", () => {
  it("adds and removes assignees with assigned and unassigned webhooks; says who can be assigned", async () => {
    await newRepo("asg-basic", "push");
    const repo = "asg-basic";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "t" });
    const params = { owner, repo, issue_number: 1 };
    const added = await fx.agent.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/assignees",
      {
        ...params,
        assignees: ["lancer-agent", "lancer-admin", "nobody-here"],
      },
    );
    expect(added.status).toBe(201);
    expect(added.data.assignees?.map((a) => a.login)).toEqual(["lancer-agent", "lancer-admin"]);
    const removed = await fx.agent.request(
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees",
      {
        ...params,
        assignees: ["lancer-agent"],
      },
    );
    expect(removed.data.assignees?.map((a) => a.login)).toEqual(["lancer-admin"]);
    expect(removed.data.assignee?.login).toBe("lancer-admin");
    const check = (assignee: string) =>
      statusOf(
        fx.agent.request("GET /repos/{owner}/{repo}/assignees/{assignee}", {
          owner,
          repo,
          assignee,
        }),
      );
    expect(await check("lancer-agent")).toBe(0);
    expect(await check("lancer-admin")).toBe(0);
    expect(await check("lancer[bot]")).toBe(404);
    expect(await check("nobody-here")).toBe(404);
    expect(await issueEvents(repo)).toEqual([
      "opened",
      "assigned lancer-agent",
      "assigned lancer-admin",
      "unassigned lancer-agent",
    ]);
    expect(fx.invalidDeliveries()).toEqual([]);
  });

  it("ignores assignee changes from a caller without triage, and 422s unknown assignees on edit", async () => {
    await newRepo("asg-perm");
    const repo = "asg-perm";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
      owner,
      repo,
      title: "t",
      assignees: ["lancer-admin"],
    });
    const params = { owner, repo, issue_number: 1 };
    expect(
      await statusOf(
        fx.agent.request("GET /repos/{owner}/{repo}/assignees/{assignee}", {
          owner,
          repo,
          assignee: "lancer-agent",
        }),
      ),
    ).toBe(404);
    const ignored = await fx.agent.request(
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees",
      {
        ...params,
        assignees: ["lancer-admin"],
      },
    );
    expect(ignored.data.assignees?.map((a) => a.login)).toEqual(["lancer-admin"]);
    expect(
      await statusOf(
        fx.admin.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
          ...params,
          assignees: ["lancer-agent"],
          title: "not applied",
        }),
      ),
    ).toBe(422);
    const issue = await fx.admin.request("GET /repos/{owner}/{repo}/issues/{issue_number}", params);
    expect(issue.data.title).toBe("t");
    expect(issue.data.assignees?.map((a) => a.login)).toEqual(["lancer-admin"]);
    expect(await issueEvents(repo)).toEqual(["opened", "assigned lancer-admin"]);
  });
});
