import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { git, gitOutput } from "../../src/core/git/git.ts";
import type { WorkflowTrigger } from "../../src/sandbox/runner/trigger.ts";
import type { WebhookEvent } from "../../src/sandbox/webhooks/dispatcher.ts";
import { validateWebhook } from "../helpers/github-contract.ts";
import { localRepo, tokenRemote, watchEmits, type Commit } from "../helpers/local-git.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";

// Workflows are the Actions side's business: here only what the push side asks of them.
const triggers = vi.hoisted(() => [] as WorkflowTrigger[]);
vi.mock("../../src/sandbox/runner/trigger.ts", () => ({
  triggerWorkflows: async (_sandbox: unknown, _repo: unknown, trigger: WorkflowTrigger) => {
    triggers.push(trigger);
  },
}));

const fx = await startSandboxFixture();
const org = fx.running.org;
const { store } = fx.running.sandbox;
const work = tempDir();
const repo = "pushes";
const zero = "0".repeat(40);
const local = path.join(work, "local");
const bare = () => path.join(fx.dir, "git", org, `${repo}.git`);

const emitted = watchEmits(fx.running.sandbox);
const remote = () => tokenRemote(fx.running.url, `${org}/${repo}`, fx.running.tokens.admin);
let commit: Commit;

/**
 * Pushes `refspec` and returns the `push` payload of `ref` as the delivery log recorded it,
 * checked against @octokit/webhooks-schemas' `push$event`.
 */
async function push(refspec: string, ref: string, last?: (e: WebhookEvent) => boolean) {
  const seen = emitted(last ?? ((e) => e.event === "push" && e.payload.ref === ref));
  const count = [...store.deliveries.values()].length;
  await git(["push", "-q", "-f", remote(), refspec], { cwd: local });
  await seen;
  await fx.settled();
  const pushes = [...store.deliveries.values()]
    .slice(count)
    .filter((d) => d.event === "push" && (d.request.payload as { ref: string }).ref === ref);
  expect(pushes).toHaveLength(1);
  const payload = pushes[0]!.request.payload as Record<string, unknown>;
  validateWebhook("push", "event", payload);
  return payload as Record<string, unknown> & {
    commits: Array<Record<string, unknown>>;
    head_commit: Record<string, unknown> | null;
  };
}

let first = "";
let second = "";

describe("sandbox: what a push sets off", () => {
  it("sends a push webhook for a new branch, with its commits and files", async () => {
    await fx.admin.request("POST /orgs/{org}/repos", { org, name: repo, private: true });
    ({ commit } = await localRepo(local));
    first = await commit({ "README.md": "# p\n", "src/a.js": "a\n" }, "first\n\nwith a body", {
      GIT_AUTHOR_NAME: "Ann",
      GIT_AUTHOR_EMAIL: "ann@example.com",
    });
    const payload = await push("HEAD:refs/heads/main", "refs/heads/main");
    expect(payload).toMatchObject({
      ref: "refs/heads/main",
      before: zero,
      after: first,
      created: true,
      deleted: false,
      forced: false,
      base_ref: null,
      pusher: { name: "lancer-admin", email: "lancer-admin@sandbox.invalid" },
      sender: { login: "lancer-admin" },
      repository: { name: repo, master_branch: "main", default_branch: "main" },
      head_commit: { id: first },
    });
    expect(payload.compare).toMatch(/\/compare\/main$/);
    expect(typeof (payload.repository as { pushed_at: unknown }).pushed_at).toBe("number");
    expect(payload.commits).toHaveLength(1);
    expect(payload.commits[0]).toMatchObject({
      id: first,
      message: "first\n\nwith a body",
      distinct: true,
      added: ["README.md", "src/a.js"],
      removed: [],
      modified: [],
      author: { name: "Ann", email: "ann@example.com" },
    });
    expect(payload.commits[0]!.tree_id).toBe(
      await gitOutput(["rev-parse", `${first}^{tree}`], { cwd: local }),
    );
    expect(store.repoByName(org, repo)!.pushedAt).not.toBeNull();
    expect(triggers.at(-1)).toMatchObject({ event: "push", ref: "refs/heads/main", sha: first });
    expect(triggers.at(-1)!.payload).toMatchObject({
      after: first,
      sender: { login: "lancer-admin" },
    });
  });

  it("lists every new commit in order, with the sandbox user who wrote it", async () => {
    const mid = await commit({ "src/a.js": "a2\n", "src/b.js": "b\n" }, "two");
    second = await commit({ "README.md": null }, "three", {
      GIT_AUTHOR_NAME: "Admin",
      GIT_AUTHOR_EMAIL: "lancer-admin@sandbox.invalid",
    });
    const payload = await push("HEAD:refs/heads/main", "refs/heads/main");
    expect(payload).toMatchObject({ before: first, after: second, created: false, forced: false });
    expect(payload.compare).toMatch(
      new RegExp(`/compare/${first.slice(0, 12)}\\.\\.\\.${second.slice(0, 12)}$`),
    );
    expect(payload.commits.map((c) => c.id)).toEqual([mid, second]);
    expect(payload.commits[0]).toMatchObject({ added: ["src/b.js"], modified: ["src/a.js"] });
    expect(payload.commits[1]).toMatchObject({
      removed: ["README.md"],
      author: { name: "Admin", username: "lancer-admin" },
    });
  });

  it("says when a push was forced, created a branch on known commits, or deleted one", async () => {
    await git(["reset", "-q", "--hard", first], { cwd: local });
    const rewritten = await commit({ "c.txt": "c\n" }, "rewrite");
    const forced = await push("HEAD:refs/heads/main", "refs/heads/main");
    expect(forced).toMatchObject({ forced: true, before: second, after: rewritten });
    expect(forced.commits.map((c) => c.id)).toEqual([rewritten]);

    const known = await push(`${first}:refs/heads/old`, "refs/heads/old");
    expect(known).toMatchObject({ created: true, commits: [], head_commit: { id: first } });
    expect(known.head_commit!.distinct).toBe(false);

    const before = triggers.length;
    const deleted = await push(":refs/heads/old", "refs/heads/old");
    expect(deleted).toMatchObject({
      deleted: true,
      before: first,
      after: zero,
      commits: [],
      head_commit: null,
    });
    expect(triggers.slice(before)).toEqual([]);
  });

  it("sends a push for a tag", async () => {
    await git(["tag", "v1"], { cwd: local });
    const tag = await push("refs/tags/v1", "refs/tags/v1");
    expect(tag).toMatchObject({ created: true, ref: "refs/tags/v1" });
    expect(triggers.at(-1)).toMatchObject({ event: "push", ref: "refs/tags/v1" });
  });

  it("synchronizes an open pull request and starts its workflows on the test merge commit", async () => {
    const main = await gitOutput(["rev-parse", "HEAD"], { cwd: local });
    await git(["checkout", "-q", "-b", "topic"], { cwd: local });
    const one = await commit({ "t.txt": "1\n" }, "t1");
    await push("HEAD:refs/heads/topic", "refs/heads/topic");
    const pr = await fx.admin.request("POST /repos/{owner}/{repo}/pulls", {
      owner: org,
      repo,
      title: "Topic",
      head: "topic",
      base: "main",
    });
    const opened = triggers.filter((t) => t.payload.action === "opened");
    expect(opened.map((t) => t.event)).toEqual(["pull_request", "pull_request_target"]);
    expect(opened[0]).toMatchObject({
      ref: `refs/pull/${pr.data.number}/merge`,
      payload: { action: "opened", number: pr.data.number },
    });
    // pull_request_target runs the base branch's workflows at its tip, not the PR's code.
    expect(opened[1]).toMatchObject({ ref: "refs/heads/main", sha: main });
    const two = await commit({ "t.txt": "2\n" }, "t2");
    await push(
      "HEAD:refs/heads/topic",
      "refs/heads/topic",
      (e) => e.event === "pull_request" && e.action === "synchronize",
    );
    const sync = triggers.find(
      (t) => t.event === "pull_request" && t.payload.action === "synchronize",
    )!;
    expect(sync.payload).toMatchObject({ before: one, after: two });
    const mergeRef = await gitOutput(
      ["--git-dir", bare(), "rev-parse", `refs/pull/${pr.data.number}/merge`],
      { cwd: work },
    );
    expect(sync.sha).toBe(mergeRef);
    const parents = await gitOutput(["--git-dir", bare(), "log", "-1", "--format=%P", mergeRef], {
      cwd: work,
    });
    expect(parents).toBe(`${main} ${two}`);
    const got = await fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: org,
      repo,
      pull_number: pr.data.number,
    });
    expect(got.data.head.sha).toBe(two);
    expect(got.data.merge_commit_sha).toBe(mergeRef);
  });

  it("marks a pull request merged when its head is pushed into the base branch", async () => {
    const head = await gitOutput(["rev-parse", "HEAD"], { cwd: local });
    await push(
      "HEAD:refs/heads/main",
      "refs/heads/main",
      (e) => e.event === "pull_request" && e.action === "closed",
    );
    const pulls = await fx.admin.request("GET /repos/{owner}/{repo}/pulls", {
      owner: org,
      repo,
      state: "closed",
    });
    expect(pulls.data).toHaveLength(1);
    const got = await fx.admin.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: org,
      repo,
      pull_number: pulls.data[0]!.number,
    });
    expect(got.data).toMatchObject({
      merged: true,
      merge_commit_sha: head,
      merged_by: { login: "lancer-admin" },
      commits: 2,
    });
  });

  it("sent every webhook signed and valid", async () => {
    await fx.settled();
    const bad = fx.deliveries.filter((d) => !d.signatureValid || d.event.startsWith("INVALID"));
    expect(bad.map((d) => d.event)).toEqual([]);
    const closed = fx.deliveries.filter(
      (d) => d.event === "pull_request" && d.payload.action === "closed",
    );
    expect(closed[0]!.payload.pull_request).toMatchObject({ merged: true });
  });
});
