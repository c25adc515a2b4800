import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { verify } from "@octokit/webhooks-methods";
import { RequestError } from "octokit";
import { describe, expect, it, vi } from "vitest";
import { git, gitOutput } from "../../src/core/git/git.ts";
import { onPush } from "../../src/sandbox/events/on-push.ts";
import { validateResponse, validateWebhook } from "../helpers/github-contract.ts";
import { startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";

// Record the calls to onPush (and still run it) to check what the API tells the rest of the sandbox.
vi.mock("../../src/sandbox/events/on-push.ts", async (importOriginal) => {
  const real = await importOriginal<{ onPush: typeof onPush }>();
  return { onPush: vi.fn(real.onPush) };
});
const pushes = vi.mocked(onPush);

const fx = await startSandboxFixture();
const owner = fx.running.org;
const work = tempDir();
const ZERO = "0".repeat(40);

async function newRepo(name: string, options: Record<string, unknown> = {}): Promise<string> {
  await fx.admin.request("POST /orgs/{org}/repos", { org: owner, name, private: true, ...options });
  return fx.running.sandbox.store.repoByName(owner, name)!.gitDir;
}

async function head(repo: string, branch = "main"): Promise<string> {
  const gitDir = fx.running.sandbox.store.repoByName(owner, repo)!.gitDir;
  return gitOutput(["rev-parse", `refs/heads/${branch}`], { cwd: gitDir });
}

/** Clones over smart HTTP with the admin token, as an agent would. */
async function clone(repo: string): Promise<string> {
  const url = new URL(`${fx.running.url}/${owner}/${repo}.git`);
  url.username = "x-access-token";
  url.password = fx.running.tokens.admin;
  const dir = path.join(work, `${repo}-${readdirSync(work).length}`);
  await git(["clone", "-q", url.toString(), dir], { cwd: work });
  return dir;
}

/** Waits for every onPush started so far (so its webhooks are queued), then for delivery. */
async function settled(): Promise<void> {
  await Promise.all(pushes.mock.results.map((r) => r.value as Promise<void>));
  await fx.settled();
}

/**
 * The `push` deliveries about `repo`, read from the sandbox's delivery log and checked there
 * (signature and schema): the shared contract helper looks for a `push_event` schema, which
 * @octokit/webhooks-schemas calls `push$event`, so its receiver marks every push INVALID.
 * Every other delivery must be valid.
 */
async function pushDeliveries(repo: string): Promise<Array<Record<string, unknown>>> {
  await settled();
  const payloads: Array<Record<string, unknown>> = [];
  for (const d of fx.running.sandbox.store.deliveries.values()) {
    const payload = d.request.payload as { repository: { name: string } };
    if (d.event !== "push" || payload.repository.name !== repo) continue;
    const signature = d.request.headers["x-hub-signature-256"]!;
    expect(await verify(fx.running.app.webhookSecret, JSON.stringify(payload), signature)).toBe(
      true,
    );
    validateWebhook("push$event", null, payload);
    payloads.push(payload);
  }
  const invalid = fx.deliveries.filter((d) => d.event.startsWith("INVALID"));
  expect(invalid.map((d) => d.event)).toEqual([]);
  return payloads;
}

const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");

const get = (repo: string, file: string, ref?: string, client = fx.admin) =>
  client.request("GET /repos/{owner}/{repo}/contents/{path}", {
    owner,
    repo,
    path: file,
    ...(ref ? { ref } : {}),
  });

async function addAgent(repo: string, permission: "pull" | "push"): Promise<void> {
  await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
    owner,
    repo,
    username: "lancer-agent",
    permission,
  });
}

async function put(repo: string, file: string, body: Record<string, unknown>) {
  return fx.admin.request("PUT /repos/{owner}/{repo}/contents/{path}", {
    owner,
    repo,
    path: file,
    message: `write ${file}`,
    ...body,
  } as never);
}

/**
 * A request without the contract client, for PUT .../contents 409s: GitHub documents that body
 * as `oneOf` two schemas that any error body matches both of, so no 409 can pass a strict
 * `oneOf`. The body is still checked against `basic-error`.
 */
async function rawPut(repo: string, file: string, body: Record<string, unknown>) {
  const url = `${fx.running.apiUrl}/repos/${owner}/${repo}/contents/${encodeURIComponent(file)}`;
  const response = await fetch(url, {
    method: "PUT",
    headers: { authorization: `token ${fx.running.tokens.admin}` },
    body: JSON.stringify({ message: `write ${file}`, ...body }),
  });
  const data = (await response.json()) as { message: string };
  if (response.status === 409) {
    validateResponse("DELETE", `/repos/${owner}/${repo}/contents/x`, 409, data);
    return { status: 409, message: data.message };
  }
  validateResponse("PUT", `/repos/${owner}/${repo}/contents/x`, response.status, data);
  return { status: response.status, message: data.message };
}

async function errorOf(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RequestError)
      return {
        status: error.status,
        message: (error.response?.data as { message: string }).message,
      };
    throw error;
  }
  throw new Error("the request did not fail");
}

describe("sandbox: contents", () => {
  it("reads a file, a directory and the root of an auto_init repo, and 404s what is not there", async () => {
    const gitDir = await newRepo("c-read", { auto_init: true });
    const file = await get("c-read", "README.md");
    const data = file.data as { type: string; content: string; sha: string; size: number };
    expect(data.type).toBe("file");
    expect(Buffer.from(data.content, "base64").toString()).toBe("# c-read\n");
    expect(data.sha).toBe(await gitOutput(["rev-parse", "main:README.md"], { cwd: gitDir }));
    expect(data.size).toBe(9);

    const root = await fetch(`${fx.running.apiUrl}/repos/${owner}/c-read/contents`, {
      headers: { authorization: `token ${fx.running.tokens.admin}` },
    });
    const listing = (await root.json()) as Array<{ name: string; type: string }>;
    validateResponse("GET", `/repos/${owner}/c-read/contents/x`, root.status, listing);
    expect(listing.map((e) => [e.name, e.type])).toEqual([["README.md", "file"]]);

    const missing = (p: string, ref?: string) => errorOf(get("c-read", p, ref));
    expect(await missing("nope.md")).toEqual({ status: 404, message: "Not Found" });
    expect(await missing("README.md/inner")).toMatchObject({ status: 404 });
    expect(await missing("README.md", "no-such-branch")).toMatchObject({ status: 404 });
    await newRepo("c-empty");
    expect(await errorOf(get("c-empty", "README.md"))).toEqual({
      status: 404,
      message: "This repository is empty.",
    });
  });

  it("creates, updates and deletes a file with sha checks; a clone shows every step", async () => {
    await newRepo("c-write", { auto_init: true });
    const first = await head("c-write");
    const created = await put("c-write", "docs/notes.md", { content: b64("one\n") });
    expect(created.status).toBe(201);
    expect(created.data.content?.path).toBe("docs/notes.md");
    expect(created.data.commit.parents?.[0]?.sha).toBe(first);
    expect(created.data.commit.message).toBe("write docs/notes.md");
    const second = await head("c-write");
    expect(created.data.commit.sha).toBe(second);

    // An existing path without `sha`, or with a stale one, changes nothing.
    expect(await errorOf(put("c-write", "docs/notes.md", { content: b64("two\n") }))).toEqual({
      status: 422,
      message: 'Invalid request.\n\n"sha" wasn\'t supplied.',
    });
    const stale = "1".repeat(40);
    expect(await rawPut("c-write", "docs/notes.md", { content: b64("two\n"), sha: stale })).toEqual(
      { status: 409, message: `docs/notes.md does not match ${stale}` },
    );
    expect(await head("c-write")).toBe(second);

    const updated = await put("c-write", "docs/notes.md", {
      content: b64("two\n"),
      sha: created.data.content!.sha,
    });
    expect(updated.status).toBe(200);
    const third = await head("c-write");
    let dir = await clone("c-write");
    expect(readFileSync(path.join(dir, "docs/notes.md"), "utf8")).toBe("two\n");
    expect(await gitOutput(["log", "--format=%s", "-3"], { cwd: dir })).toBe(
      "write docs/notes.md\nwrite docs/notes.md\nInitial commit",
    );
    expect(await gitOutput(["log", "-1", "--format=%an <%ae>"], { cwd: dir })).toBe(
      "lancer-admin <lancer-admin@sandbox.invalid>",
    );

    const remove = (sha: string) =>
      fx.admin.request("DELETE /repos/{owner}/{repo}/contents/{path}", {
        owner,
        repo: "c-write",
        path: "docs/notes.md",
        message: "remove notes",
        sha,
      });
    expect(await errorOf(remove(created.data.content!.sha!))).toMatchObject({ status: 409 });
    expect(await head("c-write")).toBe(third);
    const deleted = await remove(updated.data.content!.sha!);
    expect(deleted.data.content).toBeNull();
    expect(deleted.data.commit.parents?.[0]?.sha).toBe(third);
    expect(await statusOf(remove(updated.data.content!.sha!))).toBe(404);
    dir = await clone("c-write");
    expect(readdirSync(dir).sort()).toEqual([".git", "README.md"]);

    const calls = pushes.mock.calls.filter(([, repo]) => repo.name === "c-write");
    expect(calls.map(([, , updates]) => updates)).toEqual([
      [{ ref: "refs/heads/main", before: first, after: second }],
      [{ ref: "refs/heads/main", before: second, after: third }],
      [{ ref: "refs/heads/main", before: third, after: deleted.data.commit.sha }],
    ]);
    const delivered = await pushDeliveries("c-write");
    expect(delivered.map((p) => [p.before, p.after])).toEqual([
      [first, second],
      [second, third],
      [third, deleted.data.commit.sha],
    ]);
  });

  it("makes the first commit of an empty repository on its default branch", async () => {
    await newRepo("c-first");
    const created = await put("c-first", "hello.txt", { content: b64("hi\n") });
    expect(created.status).toBe(201);
    expect(created.data.commit.parents).toEqual([]);
    expect(await head("c-first")).toBe(created.data.commit.sha);
    const branches = await fx.admin.request("GET /repos/{owner}/{repo}/branches", {
      owner,
      repo: "c-first",
    });
    expect(branches.data.map((b) => b.name)).toEqual(["main"]);
    const [, , updates] = pushes.mock.calls.find(([, repo]) => repo.name === "c-first")!;
    expect(updates).toEqual([
      { ref: "refs/heads/main", before: ZERO, after: created.data.commit.sha },
    ]);
  });

  it("round-trips binary bytes and paths with spaces and unicode", async () => {
    await newRepo("c-bytes", { auto_init: true });
    const bytes = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 167 + 13) % 256));
    const files = {
      "assets/bin ary.dat": bytes,
      "docs/café ☕/naïve file.txt": Buffer.from("ü\n"),
    };
    for (const [file, content] of Object.entries(files))
      expect((await put("c-bytes", file, { content: b64(content) })).status).toBe(201);
    for (const [file, content] of Object.entries(files)) {
      const got = await get("c-bytes", file);
      const data = got.data as { content: string; encoding: string; name: string; url: string };
      expect(data.encoding).toBe("base64");
      expect(Buffer.from(data.content, "base64").equals(content)).toBe(true);
      expect(data.name).toBe(file.split("/").at(-1));
    }
    const listing = await get("c-bytes", "docs/café ☕");
    expect((listing.data as Array<{ path: string }>).map((e) => e.path)).toEqual([
      "docs/café ☕/naïve file.txt",
    ]);
    const dir = await clone("c-bytes");
    for (const [file, content] of Object.entries(files))
      expect(readFileSync(path.join(dir, file)).equals(content)).toBe(true);
  });

  it("takes the author and committer given, and refuses incomplete ones and bad input", async () => {
    await newRepo("c-people", { auto_init: true });
    const before = await head("c-people");
    const created = await put("c-people", "a.txt", {
      content: b64("a"),
      committer: { name: "Committer", email: "c@example.com" },
      author: { name: "Author", email: "a@example.com", date: "2020-02-03T04:05:06Z" },
    });
    expect(created.data.commit.author).toEqual({
      name: "Author",
      email: "a@example.com",
      date: "2020-02-03T04:05:06Z",
    });
    expect(created.data.commit.committer?.name).toBe("Committer");
    const after = await head("c-people");
    expect(after).not.toBe(before);
    const incomplete = await errorOf(
      put("c-people", "b.txt", { content: b64("b"), committer: { name: "No Email" } }),
    );
    expect(incomplete).toEqual({
      status: 422,
      message: 'Invalid request.\n\n"email" wasn\'t supplied.',
    });
    expect(await errorOf(put("c-people", "b.txt", { content: "%%%not base64" }))).toEqual({
      status: 422,
      message: "content is not valid Base64",
    });
    expect(
      await statusOf(put("c-people", "b.txt", { message: undefined, content: b64("b") })),
    ).toBe(422);
    expect(await statusOf(put("c-people", "../b.txt", { content: b64("b") }))).toBe(422);
    expect(await statusOf(put("c-people", "a.txt/b.txt", { content: b64("b") }))).toBe(422);
    expect(await statusOf(put("c-people", "b.txt", { content: b64("b"), branch: "nope" }))).toBe(
      404,
    );
    expect(await head("c-people")).toBe(after);
  });

  it("guards .github/workflows/ with the workflows permission", async () => {
    await newRepo("c-wf", { auto_init: true });
    await addAgent("c-wf", "push");
    const workflow = b64("on: workflow_dispatch\njobs: {}\n");
    const before = await head("c-wf");
    const refused = await errorOf(
      fx.agent.request("PUT /repos/{owner}/{repo}/contents/{path}", {
        owner,
        repo: "c-wf",
        path: ".github/workflows/ci.yml",
        message: "add ci",
        content: workflow,
      }),
    );
    expect(refused.status).toBe(404);
    expect(refused.message).toContain("without `workflow` scope");
    expect(await head("c-wf")).toBe(before);
    // Other files are fine for the agent; workflows are for the admin (workflow scope) and the app.
    const ok = await fx.agent.request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner,
      repo: "c-wf",
      path: ".github/other.yml",
      message: "add other",
      content: workflow,
    });
    expect(ok.status).toBe(201);
    expect((await put("c-wf", ".github/workflows/ci.yml", { content: workflow })).status).toBe(201);
    const app = await fx.installation();
    const byApp = await app.request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner,
      repo: "c-wf",
      path: ".github/workflows/app.yml",
      message: "app workflow",
      content: workflow,
    });
    expect(byApp.data.commit.author?.name).toBe("lancer[bot]");
  });

  it("answers 404 to a read-only collaborator's write and changes nothing", async () => {
    await newRepo("c-perm", { auto_init: true });
    await addAgent("c-perm", "pull");
    const before = await head("c-perm");
    expect((await get("c-perm", "README.md", undefined, fx.agent)).status).toBe(200);
    const write = fx.agent.request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner,
      repo: "c-perm",
      path: "x.txt",
      message: "x",
      content: b64("x"),
    });
    expect(await statusOf(write)).toBe(404);
    expect(await statusOf(get("c-perm", "README.md", undefined, fx.anonymous))).toBe(404);
    expect(await head("c-perm")).toBe(before);
  });

  it("never loses a concurrent write: each one lands or gets 409", async () => {
    await newRepo("c-race", { auto_init: true });
    const names = Array.from({ length: 6 }, (_, i) => `f${i}.txt`);
    const results = await Promise.all(
      names.map((name) => rawPut("c-race", name, { content: b64(name) })),
    );
    const landed = names.filter((_, i) => results[i]!.status === 201);
    for (const result of results) expect([201, 409]).toContain(result.status);
    expect(landed.length).toBeGreaterThan(0);
    const dir = await clone("c-race");
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith("f"))
        .sort(),
    ).toEqual(landed);
    expect(await gitOutput(["rev-list", "--count", "HEAD"], { cwd: dir })).toBe(
      String(landed.length + 1),
    );
  });
});
