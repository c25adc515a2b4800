import { describe, expect, it } from "vitest";
import { startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";

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

describe("sandbox: reactions", () => {
  it("reacts to issues and comments once per user and content, with rollups, and deletes reactions", async () => {
    await fx.createRepo("rea-basic");
    const repo = "rea-basic";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "t" });
    const params = { owner, repo, issue_number: 1 };
    const plus = await fx.admin.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions",
      {
        ...params,
        content: "+1",
      },
    );
    expect(plus.status).toBe(201);
    const repeat = await fx.admin.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions",
      {
        ...params,
        content: "+1",
      },
    );
    expect(repeat.status).toBe(200);
    expect(repeat.data.id).toBe(plus.data.id);
    await fx.agent.request("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions", {
      ...params,
      content: "heart",
    });
    await fx.agent.request("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions", {
      ...params,
      content: "+1",
    });
    expect(
      await statusOf(
        fx.admin.request("POST /repos/{owner}/{repo}/issues/{issue_number}/reactions", {
          ...params,
          content: "thumbsup" as "+1",
        }),
      ),
    ).toBe(422);
    const all = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/reactions",
      params,
    );
    expect(all.data.map((r) => `${r.user?.login} ${r.content}`)).toEqual([
      "lancer-admin +1",
      "lancer-agent heart",
      "lancer-agent +1",
    ]);
    const hearts = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/reactions",
      {
        ...params,
        content: "heart",
      },
    );
    expect(hearts.data).toHaveLength(1);
    const issue = await fx.admin.request("GET /repos/{owner}/{repo}/issues/{issue_number}", params);
    expect(issue.data.reactions).toMatchObject({ total_count: 3, "+1": 2, heart: 1, laugh: 0 });

    // Only its author deletes a reaction.
    expect(
      await fx.rawStatus(
        "DELETE",
        `/repos/${owner}/${repo}/issues/1/reactions/${plus.data.id}`,
        fx.running.tokens.agent,
      ),
    ).toBe(403);
    const removed = await fx.admin.request(
      "DELETE /repos/{owner}/{repo}/issues/{issue_number}/reactions/{reaction_id}",
      {
        ...params,
        reaction_id: plus.data.id,
      },
    );
    expect(removed.status).toBe(204);
    const after = await fx.admin.request("GET /repos/{owner}/{repo}/issues/{issue_number}", params);
    expect(after.data.reactions).toMatchObject({ total_count: 2, "+1": 1 });

    const comment = await fx.admin.request(
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        ...params,
        body: "react to me",
      },
    );
    const onComment = { owner, repo, comment_id: comment.data.id };
    const rocket = await fx.agent.request(
      "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
      {
        ...onComment,
        content: "rocket",
      },
    );
    expect(rocket.status).toBe(201);
    const rocketAgain = await fx.agent.request(
      "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
      {
        ...onComment,
        content: "rocket",
      },
    );
    expect(rocketAgain.status).toBe(200);
    const bot = await (
      await fx.installation()
    ).request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
      ...onComment,
      content: "eyes",
    });
    expect(bot.data.user?.login).toBe("lancer[bot]");
    const listed = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
      onComment,
    );
    expect(listed.data.map((r) => r.content)).toEqual(["rocket", "eyes"]);
    const withRollup = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
      onComment,
    );
    expect(withRollup.data.reactions).toMatchObject({ total_count: 2, rocket: 1, eyes: 1 });
    await fx.agent.request(
      "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions/{reaction_id}",
      {
        ...onComment,
        reaction_id: rocket.data.id,
      },
    );
    const left = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
      onComment,
    );
    expect(left.data.map((r) => r.content)).toEqual(["eyes"]);
    // Reactions send no webhooks; the comment's own webhook is valid.
    expect((await comments(repo)).map((h) => h.action)).toEqual(["created"]);
    expect(fx.invalidDeliveries()).toEqual([]);
  });

  it("hides a private repo's reactions (404) and refuses a token without issues: write (403)", async () => {
    await fx.createRepo("rea-private", { private: true });
    const repo = "rea-private";
    await fx.admin.request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "t" });
    const path = `/repos/${owner}/${repo}/issues/1/reactions`;
    expect(await fx.rawStatus("POST", path, fx.running.tokens.agent, { content: "+1" })).toBe(404);
    expect(await fx.rawStatus("GET", path, fx.running.tokens.agent)).toBe(404);
    const { data: token } = await fx.app.octokit.request(
      "POST /app/installations/{installation_id}/access_tokens",
      { installation_id: fx.running.app.installationId, permissions: { contents: "read" } },
    );
    expect(await fx.rawStatus("POST", path, token.token, { content: "+1" })).toBe(403);
    const list = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/reactions",
      {
        owner,
        repo,
        issue_number: 1,
      },
    );
    expect(list.data).toEqual([]);
  });
});
