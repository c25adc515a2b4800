import { describe, expect, it } from "vitest";
import { RequestError } from "octokit";
import { startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";

const fx = await startSandboxFixture({ secondaryLimits: { perMinute: 3, perHour: 5 } });
const org = fx.running.org;

describe("sandbox: rate limits", () => {
  it("answers the secondary limit with 403 and retry-after, and creates nothing over it", async () => {
    for (const n of [1, 2, 3])
      await fx.admin.request("POST /orgs/{org}/repos", { org, name: `limited-${n}` });
    const refused = await fx.admin
      .request("POST /orgs/{org}/repos", { org, name: "limited-4" })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RequestError);
    const error = refused as RequestError;
    expect(error.status).toBe(403);
    expect(Number(error.response?.headers["retry-after"])).toBeGreaterThan(0);
    expect(String((error.response?.data as { message: string }).message)).toContain(
      "secondary rate limit",
    );
    expect(
      await statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}", { owner: org, repo: "limited-4" }),
      ),
    ).toBe(404);
  });

  it("counts limits per token: another token may still create", async () => {
    const installation = await fx.installation();
    const created = await installation.request("POST /orgs/{org}/repos", {
      org,
      name: "by-the-app",
    });
    expect(created.status).toBe(201);
  });

  it("keeps reads free of the secondary limit and counts them in x-ratelimit headers", async () => {
    const first = await fx.admin.request("GET /repos/{owner}/{repo}", {
      owner: org,
      repo: "limited-1",
    });
    const second = await fx.admin.request("GET /repos/{owner}/{repo}", {
      owner: org,
      repo: "limited-1",
    });
    expect(Number(second.headers["x-ratelimit-used"])).toBe(
      Number(first.headers["x-ratelimit-used"]) + 1,
    );
    expect(Number(second.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);
  });

  it("reports requests per route and per token", async () => {
    const stats = (await (await fetch(`${fx.running.url}/_sandbox/stats`)).json()) as {
      by_route: Record<string, number>;
      by_token: Record<string, number>;
    };
    expect(stats.by_route["POST /orgs/:org/repos"]).toBeGreaterThanOrEqual(5);
    expect(stats.by_route["GET /repos/:owner/:repo"]).toBeGreaterThanOrEqual(3);
    expect(
      Object.keys(stats.by_token).some((k) => k.startsWith(fx.running.tokens.admin.slice(0, 8))),
    ).toBe(true);
    expect(JSON.stringify(stats)).not.toContain(fx.running.tokens.admin);
  });
});
