import { describe, expect, it } from "vitest";
import { contractOctokit, startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";

const fx = await startSandboxFixture();
const org = fx.running.org;

describe("sandbox: identity and repositories", () => {
  it("answers GET /user and the rate limit with GitHub's headers", async () => {
    const me = await fx.admin.request("GET /user");
    expect(me.data.login).toBe("lancer-admin");
    expect(me.headers["x-ratelimit-limit"]).toBe("5000");
    expect(Number(me.headers["x-ratelimit-remaining"])).toBeLessThan(5000);
    const orgInfo = await fx.admin.request("GET /orgs/{org}", { org });
    expect(orgInfo.data).toMatchObject({ login: org, type: "Organization" });
    const agentUser = await fx.admin.request("GET /users/{username}", { username: "lancer-agent" });
    expect(agentUser.data.login).toBe("lancer-agent");
    const limit = await fx.admin.request("GET /rate_limit");
    expect(limit.data.resources.core.used).toBeGreaterThan(0);
  });

  it("creates a private repo in the org, gets it, lists it, updates it", async () => {
    const created = await fx.admin.request("POST /orgs/{org}/repos", {
      org,
      name: "mirror-1",
      private: true,
      description: "first",
    });
    expect(created.status).toBe(201);
    expect(created.data.full_name).toBe(`${org}/mirror-1`);
    const got = await fx.admin.request("GET /repos/{owner}/{repo}", {
      owner: org,
      repo: "mirror-1",
    });
    expect(got.data.private).toBe(true);
    const list = await fx.admin.request("GET /orgs/{org}/repos", { org, per_page: 100 });
    expect(list.data.map((r) => r.name)).toContain("mirror-1");
    const updated = await fx.admin.request("PATCH /repos/{owner}/{repo}", {
      owner: org,
      repo: "mirror-1",
      description: "second",
    });
    expect(updated.data.description).toBe("second");
  });

  it("hides a private repo from the agent (404) until it is made a collaborator", async () => {
    await fx.admin.request("POST /orgs/{org}/repos", { org, name: "secret", private: true });
    expect(
      await statusOf(fx.agent.request("GET /repos/{owner}/{repo}", { owner: org, repo: "secret" })),
    ).toBe(404);
    expect(
      await statusOf(
        fx.anonymous.request("GET /repos/{owner}/{repo}", { owner: org, repo: "secret" }),
      ),
    ).toBe(404);
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner: org,
      repo: "secret",
      username: "lancer-agent",
      permission: "push",
    });
    const seen = await fx.agent.request("GET /repos/{owner}/{repo}", {
      owner: org,
      repo: "secret",
    });
    expect(seen.data.permissions?.push).toBe(true);
    expect(seen.data.permissions?.admin).toBe(false);
  });

  it("refuses the agent what it lacks (403) and changes nothing", async () => {
    expect(
      await statusOf(fx.agent.request("POST /orgs/{org}/repos", { org, name: "agent-made" })),
    ).toBe(403);
    expect(
      await statusOf(
        fx.agent.request("PATCH /repos/{owner}/{repo}", {
          owner: org,
          repo: "secret",
          description: "hacked",
        }),
      ),
    ).toBe(403);
    const repo = await fx.admin.request("GET /repos/{owner}/{repo}", {
      owner: org,
      repo: "secret",
    });
    expect(repo.data.description).toBeNull();
    expect(
      await statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}", { owner: org, repo: "agent-made" }),
      ),
    ).toBe(404);
  });

  it("answers GitHub's errors: 401 bad credentials, 404 unknown route, 422 with errors", async () => {
    const stranger = contractOctokit(fx.running.apiUrl, "ghp_notavalidtoken000000000000000000000");
    const bad = await statusOf(stranger.request("GET /user"));
    expect(bad).toBe(401);
    expect(
      await statusOf(fx.admin.request("POST /orgs/{org}/repos", { org, name: "mirror-1" })),
    ).toBe(422);
    expect(
      await statusOf(fx.admin.request(`POST /orgs/${org}/repos`, { description: "no name" })),
    ).toBe(422);
    const raw = await fetch(`${fx.running.apiUrl}/no/such/route`, {
      headers: { authorization: `token ${fx.running.tokens.admin}` },
    });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toMatchObject({
      message: "Not Found",
      documentation_url: expect.any(String) as string,
    });
    const badJson = await fetch(`${fx.running.apiUrl}/orgs/${org}/repos`, {
      method: "POST",
      body: "{nope",
      headers: { authorization: `token ${fx.running.tokens.admin}` },
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ message: "Problems parsing JSON" });
  });

  it("paginates with Link headers", async () => {
    for (const n of [1, 2, 3])
      await fx.admin.request("POST /orgs/{org}/repos", { org, name: `page-${n}` });
    const first = await fx.admin.request("GET /orgs/{org}/repos", { org, per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toContain('rel="next"');
    const all = await fx.admin.paginate("GET /orgs/{org}/repos", { org, per_page: 2 });
    expect(all.length).toBeGreaterThanOrEqual(5);
  });
});

describe("sandbox: GitHub App authentication", () => {
  it("authenticates the app with an RS256 JWT and finds its installation", async () => {
    const { data: app } = await fx.app.octokit.request("GET /app");
    expect(app?.slug).toBe("lancer");
    const { data: inst } = await fx.app.octokit.request("GET /orgs/{org}/installation", { org });
    expect(inst.id).toBe(fx.running.app.installationId);
  });

  it("narrows installation tokens by permissions and repositories", async () => {
    const { data } = await fx.app.octokit.request(
      "POST /app/installations/{installation_id}/access_tokens",
      {
        installation_id: fx.running.app.installationId,
        repositories: ["mirror-1"],
        permissions: { contents: "read" },
      },
    );
    expect(data.permissions).toEqual({ contents: "read", metadata: "read" });
    const narrow = contractOctokit(fx.running.apiUrl, data.token);
    expect(
      (await narrow.request("GET /repos/{owner}/{repo}", { owner: org, repo: "mirror-1" })).status,
    ).toBe(200);
    expect(
      await statusOf(narrow.request("GET /repos/{owner}/{repo}", { owner: org, repo: "secret" })),
    ).toBe(404);
    expect(
      await statusOf(
        narrow.request("PATCH /repos/{owner}/{repo}", {
          owner: org,
          repo: "mirror-1",
          description: "x",
        }),
      ),
    ).toBe(403);
    const repos = await narrow.request("GET /installation/repositories");
    expect(repos.data.repositories.map((r) => r.name)).toEqual(["mirror-1"]);
    expect(
      await statusOf(
        fx.app.octokit.request("POST /app/installations/{installation_id}/access_tokens", {
          installation_id: fx.running.app.installationId,
          permissions: { members: "write" },
        }),
      ),
    ).toBe(422);
  });

  it("rejects a JWT signed with another key", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    const { App } = await import("octokit");
    const impostor = new App({
      appId: fx.running.app.id,
      privateKey: other,
      Octokit: (await import("octokit")).Octokit.defaults({ baseUrl: fx.running.apiUrl }),
    });
    expect(await statusOf(impostor.octokit.request("GET /app"))).toBe(401);
  });
});
