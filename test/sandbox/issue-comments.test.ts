import { describe, expect, it } from "vitest";
import { contractOctokit, startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";

const fx = await startSandboxFixture();
const owner = fx.running.org;

async function comments(repo: string): Promise<Array<Record<string, unknown>>> {
  await fx.settled();
  return fx.deliveries
    .filter(
      (d) =>
        d.event === "issue_comment" && (d.payload.repository as { name: string }).name === repo,
    )
    .map((d) => d.payload);
}

async function issueCount(repo: string, issue_number: number): Promise<number> {
  return (
    await fx.admin.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner,
      repo,
      issue_number,
    })
  ).data.comments;
}

describe("sandbox: issue comments", () => {
  it("creates, lists, gets, edits and deletes comments, keeping the issue's count", async () => {
    await fx.createRepo("com-crud", { agent: "push" });
    const repo = "com-crud";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "one" });
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "two" });
    const params = { owner, repo, issue_number: 1 };
    const first = await fx.agent.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        ...params,
        body: "from the agent",
      },
    );
    expect(first.status).toBe(201);
    expect(first.data).toMatchObject({
      body: "from the agent",
      author_association: "COLLABORATOR",
    });
    expect(first.data.user?.login).toBe("lancer-agent");
    expect(first.data.issue_url).toMatch(/\/issues\/1$/);
    expect(first.data.html_url).toMatch(new RegExp(`/issues/1#issuecomment-${first.data.id}$`));
    const second = await fx.admin.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        ...params,
        body: "from the admin",
      },
    );
    await fx.admin.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner,
      repo,
      issue_number: 2,
      body: "elsewhere",
    });
    expect(await issueCount(repo, 1)).toBe(2);
    const onIssue = await fx.agent.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      params,
    );
    expect(onIssue.data.map((c) => c.body)).toEqual(["from the agent", "from the admin"]);
    const page = await fx.agent.request("GET /repos/{owner}/{repo}/issues/comments", {
      owner,
      repo,
      per_page: 2,
    });
    expect(page.data.map((c) => c.body)).toEqual(["from the agent", "from the admin"]);
    expect(page.headers.link).toContain('rel="next"');
    const newest = await fx.agent.request("GET /repos/{owner}/{repo}/issues/comments", {
      owner,
      repo,
      sort: "created",
      direction: "desc",
    });
    expect(newest.data.map((c) => c.body)).toEqual([
      "elsewhere",
      "from the admin",
      "from the agent",
    ]);
    const later = await fx.agent.request("GET /repos/{owner}/{repo}/issues/comments", {
      owner,
      repo,
      since: "2999-01-01T00:00:00Z",
    });
    expect(later.data).toEqual([]);

    const edited = await fx.agent.request(
      "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
      {
        owner,
        repo,
        comment_id: first.data.id,
        body: "edited by its author",
      },
    );
    expect(edited.data.body).toBe("edited by its author");
    const got = await fx.admin.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner,
      repo,
      comment_id: first.data.id,
    });
    expect(got.data.body).toBe("edited by its author");
    const deleted = await fx.admin.request(
      "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
      {
        owner,
        repo,
        comment_id: second.data.id,
      },
    );
    expect(deleted.status).toBe(204);
    expect(
      await statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          owner,
          repo,
          comment_id: second.data.id,
        }),
      ),
    ).toBe(404);
    expect(await issueCount(repo, 1)).toBe(1);

    const hooks = await comments(repo);
    expect(hooks.map((h) => h.action)).toEqual([
      "created",
      "created",
      "created",
      "edited",
      "deleted",
    ]);
    expect(hooks[3]!.changes).toEqual({ body: { from: "from the agent" } });
    expect((hooks[3]!.comment as { body: string }).body).toBe("edited by its author");
    expect((hooks[4]!.comment as { id: number }).id).toBe(second.data.id);
    expect((hooks[0]!.issue as { number: number; comments: number }).comments).toBe(1);
    expect((hooks[0]!.sender as { login: string }).login).toBe("lancer-agent");
    expect(fx.invalidDeliveries()).toEqual([]);
  });

  it("lets any signed-in user comment on a public repo, but not edit or delete another's comment", async () => {
    await fx.createRepo("com-public");
    const repo = "com-public";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "t" });
    const mine = await fx.agent.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        owner,
        repo,
        issue_number: 1,
        body: "drive-by",
      },
    );
    expect(mine.data.author_association).toBe("NONE");
    const theirs = await fx.admin.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        owner,
        repo,
        issue_number: 1,
        body: "admin's words",
      },
    );
    const token = fx.running.tokens.agent;
    const path = `/repos/${owner}/${repo}/issues/comments/${theirs.data.id}`;
    expect(await fx.rawStatus("PATCH", path, token, { body: "rewritten" })).toBe(403);
    expect(await fx.rawStatus("DELETE", path, token)).toBe(403);
    expect(
      await fx.rawStatus("POST", `/repos/${owner}/${repo}/issues/1/comments`, undefined, {
        body: "anon",
      }),
    ).toBe(401);
    expect(
      await statusOf(
        fx.admin.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          owner,
          repo,
          issue_number: 1,
          body: "   ",
        }),
      ),
    ).toBe(422);
    expect(
      await statusOf(
        fx.agent.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          owner,
          repo,
          comment_id: mine.data.id,
          body: "",
        }),
      ),
    ).toBe(422);
    const list = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        owner,
        repo,
        issue_number: 1,
      },
    );
    expect(list.data.map((c) => c.body)).toEqual(["drive-by", "admin's words"]);
    expect(await issueCount(repo, 1)).toBe(2);
    expect((await comments(repo)).map((h) => h.action)).toEqual(["created", "created"]);
  });

  it("hides a private repo's comments from the agent (404) and lets the app comment as its bot", async () => {
    await fx.createRepo("com-private", { private: true });
    const repo = "com-private";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "t" });
    const params = { owner, repo, issue_number: 1 };
    expect(
      await statusOf(
        fx.agent.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", params),
      ),
    ).toBe(404);
    expect(
      await statusOf(
        fx.agent.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...params,
          body: "x",
        }),
      ),
    ).toBe(404);
    const installation = await fx.installation();
    const bot = await installation.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        ...params,
        body: "from the app",
      },
    );
    expect(bot.data.user?.login).toBe("lancer[bot]");
    const { data: token } = await fx.app.octokit.request(
      "POST /app/installations/{installation_id}/access_tokens",
      {
        installation_id: fx.running.app.installationId,
        permissions: { contents: "write" },
      },
    );
    const narrow = contractOctokit(fx.running.apiUrl, token.token);
    expect(
      await statusOf(
        narrow.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...params,
          body: "no",
        }),
      ),
    ).toBe(403);
    expect(await issueCount(repo, 1)).toBe(1);
    expect(fx.invalidDeliveries()).toEqual([]);
  });
});
