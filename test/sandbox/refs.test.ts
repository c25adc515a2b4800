import { RequestError } from "octokit";
import { describe, expect, it, vi } from "vitest";
import { git, gitOutput } from "../../src/core/git/git.ts";
import { onPush } from "../../src/sandbox/events/on-push.ts";
import { findOperation } from "../helpers/github-contract.ts";
import { startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";

// Record the calls to onPush (and still run it) to check what ref updates announce.
vi.mock("../../src/sandbox/events/on-push.ts", async (importOriginal) => {
  const real = await importOriginal<{ onPush: typeof onPush }>();
  return { onPush: vi.fn(real.onPush) };
});
const pushes = vi.mocked(onPush);

const fx = await startSandboxFixture();
const owner = fx.running.org;
const work = tempDir();
const ZERO = "0".repeat(40);

async function newRepo(name: string, options: Record<string, unknown> = {}): Promise<void> {
  await fx.admin.request("POST /orgs/{org}/repos", { org: owner, name, private: true, ...options });
}

function gitDir(repo: string): string {
  return fx.running.sandbox.store.repoByName(owner, repo)!.gitDir;
}

async function refs(repo: string): Promise<string> {
  return gitOutput(["for-each-ref", "--format=%(refname) %(objectname)"], { cwd: gitDir(repo) });
}

/** Commits a file on a branch through the contents API; returns the new commit. */
async function commitFile(repo: string, branch: string, file: string, text: string) {
  const { data } = await fx.admin.request("PUT /repos/{owner}/{repo}/contents/{path}", {
    owner,
    repo,
    path: file,
    branch,
    message: `add ${file}`,
    content: Buffer.from(text).toString("base64"),
  });
  return data.commit.sha!;
}

/**
 * A request without the contract client, for answers GitHub gives but its description does not
 * document for these operations (403s; the body of a DELETE ref 422). The operation must exist.
 */
async function raw(method: string, path: string, token: string, body?: unknown) {
  expect(findOperation(method, path.replace(/\/git\/refs\/.+$/, "/git/refs/x"))).toBeDefined();
  const response = await fetch(`${fx.running.apiUrl}${path}`, {
    method,
    headers: { authorization: `token ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    message: text ? (JSON.parse(text) as { message: string }).message : "",
  };
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

const create = (repo: string, ref: string, sha: string) =>
  fx.admin.request("POST /repos/{owner}/{repo}/git/refs", { owner, repo, ref, sha });
const update = (repo: string, ref: string, sha: string, force?: boolean) =>
  fx.admin.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
    owner,
    repo,
    ref,
    sha,
    ...(force === undefined ? {} : { force }),
  });

describe("sandbox: branches, refs and commits", () => {
  it("gets and matches refs, and creates them with GitHub's checks", async () => {
    await newRepo("r-refs", { auto_init: true });
    const main = await fx.admin.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
      owner,
      repo: "r-refs",
      ref: "heads/main",
    });
    const head = main.data.object.sha;
    expect(main.data).toMatchObject({ ref: "refs/heads/main", object: { type: "commit" } });

    for (const ref of ["refs/heads/feature-a", "refs/heads/feature-b", "refs/heads/fix/one"])
      expect((await create("r-refs", ref, head)).status).toBe(201);
    const tag = await create("r-refs", "refs/tags/v1.0", head);
    expect(tag.data.url).toMatch(/\/git\/refs\/tags\/v1\.0$/);
    const matching = await fx.admin.request("GET /repos/{owner}/{repo}/git/matching-refs/{ref}", {
      owner,
      repo: "r-refs",
      ref: "heads/fea",
    });
    expect(matching.data.map((r) => r.ref)).toEqual([
      "refs/heads/feature-a",
      "refs/heads/feature-b",
    ]);

    const before = await refs("r-refs");
    expect(await errorOf(create("r-refs", "refs/heads/feature-a", head))).toEqual({
      status: 422,
      message: "Reference already exists",
    });
    expect(await errorOf(create("r-refs", "refs/heads/x", "f".repeat(40)))).toEqual({
      status: 422,
      message: "Object does not exist",
    });
    expect(await errorOf(create("r-refs", "heads/x", head))).toMatchObject({ status: 422 });
    expect(await errorOf(create("r-refs", "refs/x", head))).toMatchObject({ status: 422 });
    expect(await errorOf(create("r-refs", "refs/heads/bad..name", head))).toEqual({
      status: 422,
      message: "refs/heads/bad..name is not a valid ref name.",
    });
    expect(
      await statusOf(
        fx.admin.request("POST /repos/{owner}/{repo}/git/refs", {
          owner,
          repo: "r-refs",
          ref: "refs/heads/y",
        } as never),
      ),
    ).toBe(422);
    expect(await refs("r-refs")).toBe(before);
    expect(
      await statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
          owner,
          repo: "r-refs",
          ref: "heads/nope",
        }),
      ),
    ).toBe(404);

    // The new branch is there for git clients too.
    const url = new URL(`${fx.running.url}/${owner}/r-refs.git`);
    url.username = "x-access-token";
    url.password = fx.running.tokens.admin;
    const remote = await gitOutput(["ls-remote", url.toString(), "refs/heads/fix/one"], {
      cwd: work,
    });
    expect(remote).toBe(`${head}\trefs/heads/fix/one`);
    const announced = pushes.mock.calls.filter(([, r]) => r.name === "r-refs").map(([, , u]) => u);
    expect(announced).toContainEqual([{ ref: "refs/tags/v1.0", before: ZERO, after: head }]);
  });

  it("fast-forwards a ref, refuses a rewind without force, forces it, and deletes refs", async () => {
    await newRepo("r-move", { auto_init: true });
    const base = (
      await fx.admin.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
        owner,
        repo: "r-move",
        ref: "heads/main",
      })
    ).data.object.sha;
    await create("r-move", "refs/heads/topic", base);
    const next = await commitFile("r-move", "topic", "a.txt", "a\n");

    const ff = await update("r-move", "heads/main", next);
    expect(ff.data.object.sha).toBe(next);
    expect(await errorOf(update("r-move", "heads/topic", base))).toEqual({
      status: 422,
      message: "Update is not a fast forward",
    });
    expect(await errorOf(update("r-move", "heads/topic", "e".repeat(40)))).toEqual({
      status: 422,
      message: "Object does not exist",
    });
    expect(await errorOf(update("r-move", "heads/none", base))).toEqual({
      status: 422,
      message: "Reference does not exist",
    });
    expect(await gitOutput(["rev-parse", "refs/heads/topic"], { cwd: gitDir("r-move") })).toBe(
      next,
    );
    const forced = await update("r-move", "heads/topic", base, true);
    expect(forced.data.object.sha).toBe(base);

    const removed = await fx.admin.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", {
      owner,
      repo: "r-move",
      ref: "heads/topic",
    });
    expect(removed.status).toBe(204);
    expect(await refs("r-move")).toBe(`refs/heads/main ${next}`);
    const token = fx.running.tokens.admin;
    expect(await raw("DELETE", `/repos/${owner}/r-move/git/refs/heads/topic`, token)).toEqual({
      status: 422,
      message: "Reference does not exist",
    });
    expect(await raw("DELETE", `/repos/${owner}/r-move/git/refs/heads/main`, token)).toMatchObject({
      status: 422,
    });
    expect(await refs("r-move")).toBe(`refs/heads/main ${next}`);

    const announced = pushes.mock.calls.filter(([, r]) => r.name === "r-move").map(([, , u]) => u);
    expect(announced).toEqual([
      [{ ref: "refs/heads/topic", before: ZERO, after: base }],
      [{ ref: "refs/heads/topic", before: base, after: next }],
      [{ ref: "refs/heads/main", before: base, after: next }],
      [{ ref: "refs/heads/topic", before: next, after: base }],
      [{ ref: "refs/heads/topic", before: base, after: ZERO }],
    ]);
  });

  it("answers 409 on an empty repository and 403 to a read-only writer", async () => {
    await newRepo("r-empty");
    expect(
      await errorOf(
        fx.admin.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
          owner,
          repo: "r-empty",
          ref: "heads/main",
        }),
      ),
    ).toEqual({ status: 409, message: "Git Repository is empty." });
    expect(await errorOf(create("r-empty", "refs/heads/main", "a".repeat(40)))).toMatchObject({
      status: 409,
    });

    await newRepo("r-ro", { auto_init: true });
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner,
      repo: "r-ro",
      username: "lancer-agent",
      permission: "pull",
    });
    const before = await refs("r-ro");
    const sha = before.split(" ")[1]!;
    const agent = fx.running.tokens.agent;
    const refused = await raw("POST", `/repos/${owner}/r-ro/git/refs`, agent, {
      ref: "refs/heads/agent",
      sha,
    });
    expect(refused.status).toBe(403);
    expect((await raw("DELETE", `/repos/${owner}/r-ro/git/refs/heads/main`, agent)).status).toBe(
      403,
    );
    expect(await refs("r-ro")).toBe(before);
    const seen = await fx.agent.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
      owner,
      repo: "r-ro",
      ref: "heads/main",
    });
    expect(seen.data.object.sha).toBe(sha);
  });

  it("lists and gets branches, including names with slashes", async () => {
    await newRepo("r-branches", { auto_init: true });
    const main = await fx.admin.request("GET /repos/{owner}/{repo}/branches/{branch}", {
      owner,
      repo: "r-branches",
      branch: "main",
    });
    expect(main.data.protected).toBe(false);
    expect(main.data.commit.commit.message).toBe("Initial commit");
    await create("r-branches", "refs/heads/feature/deep/one", main.data.commit.sha);
    const list = await fx.agent
      .request("GET /repos/{owner}/{repo}/branches", { owner, repo: "r-branches" })
      .catch((error: RequestError) => error.status);
    expect(list).toBe(404);
    const branches = await fx.admin.request("GET /repos/{owner}/{repo}/branches", {
      owner,
      repo: "r-branches",
      per_page: 1,
    });
    expect(branches.data.map((b) => b.name)).toEqual(["feature/deep/one"]);
    expect(branches.headers.link).toContain('rel="next"');
    const deep = await fx.admin.request("GET /repos/{owner}/{repo}/branches/{branch}", {
      owner,
      repo: "r-branches",
      branch: "feature/deep/one",
    });
    expect(deep.data.name).toBe("feature/deep/one");
    expect(
      await errorOf(
        fx.admin.request("GET /repos/{owner}/{repo}/branches/{branch}", {
          owner,
          repo: "r-branches",
          branch: "nope",
        }),
      ),
    ).toEqual({ status: 404, message: "Branch not found" });
  });

  it("serves git commits, commits with their files, and the history of a path", async () => {
    await newRepo("r-commits", { auto_init: true });
    const first = await commitFile("r-commits", "main", "src/a.txt", "one\ntwo\n");
    const second = await commitFile("r-commits", "main", "src/b.bin", "\u0000\u0001binary");
    const gitCommit = await fx.admin.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner,
      repo: "r-commits",
      commit_sha: first,
    });
    expect(gitCommit.data.message).toBe("add src/a.txt");
    expect(gitCommit.data.tree.sha).toBe(
      await gitOutput(["rev-parse", `${first}^{tree}`], { cwd: gitDir("r-commits") }),
    );
    const commit = await fx.admin.request("GET /repos/{owner}/{repo}/commits/{ref}", {
      owner,
      repo: "r-commits",
      ref: first,
    });
    expect(commit.data.author?.login).toBe("lancer-admin");
    expect(commit.data.stats).toEqual({ additions: 2, deletions: 0, total: 2 });
    expect(commit.data.files?.map((f) => [f.filename, f.status, f.patch])).toEqual([
      ["src/a.txt", "added", "@@ -0,0 +1,2 @@\n+one\n+two"],
    ]);
    const byBranch = await fx.admin.request("GET /repos/{owner}/{repo}/commits/{ref}", {
      owner,
      repo: "r-commits",
      ref: "main",
    });
    expect(byBranch.data.sha).toBe(second);
    expect(byBranch.data.files?.[0]?.patch).toBeUndefined();
    const history = await fx.admin.request("GET /repos/{owner}/{repo}/commits", {
      owner,
      repo: "r-commits",
      path: "src/a.txt",
    });
    expect(history.data.map((c) => c.sha)).toEqual([first]);
    const paged = await fx.admin.request("GET /repos/{owner}/{repo}/commits", {
      owner,
      repo: "r-commits",
      per_page: 2,
    });
    expect(paged.data.map((c) => c.sha)).toEqual([second, first]);
    expect(paged.headers.link).toContain('rel="next"');
    expect(
      await statusOf(
        fx.admin.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
          owner,
          repo: "r-commits",
          commit_sha: "d".repeat(40),
        }),
      ),
    ).toBe(404);
    expect(
      await errorOf(
        fx.admin.request("GET /repos/{owner}/{repo}/commits/{ref}", {
          owner,
          repo: "r-commits",
          ref: "no-such-ref",
        }),
      ),
    ).toEqual({ status: 422, message: "No commit found for SHA: no-such-ref" });
    await git(["fsck", "--no-dangling"], { cwd: gitDir("r-commits") });
  });
});
