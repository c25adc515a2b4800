import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { git, gitOutput } from "../../src/core/git/git.ts";
import { Catalogue } from "../../src/core/ledger/ledger-record.ts";
import { loadBank, publicView } from "../../src/core/task/bank.ts";
import { ensureSourceRepo } from "../../src/core/workspace/source-repo.ts";
import { gitAuthEnv } from "../../src/github/git-auth.ts";
import { parseLancerConfig } from "../../src/github/lancer-config.ts";
import { seedBank, type SeedReport } from "../../src/github/seed/seed-bank.ts";
import { renderProposalComment, renderTaskIssue, taskIdOf } from "../../src/github/task-issue.ts";
import { startSandboxFixture, statusOf } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyManagerTask } from "../helpers/tiny-bank.ts";
import {
  appAuth,
  cloneRepo,
  contractFetch,
  filesAt,
  IC_DIR_TASK,
  IC_REPO_TASK,
  MANAGER_TASK,
  routeCounts,
  writeSeedBank,
} from "./seed-helpers.ts";

const fx = await startSandboxFixture();
const org = fx.running.org;
const root = tempDir("lancer-seed-");
const cacheDir = path.join(root, "cache");
const { bankDir, baseCommit } = await writeSeedBank(root);
const bank = await loadBank(bankDir);
const problems: string[] = [];
const ids = [IC_DIR_TASK, IC_REPO_TASK, MANAGER_TASK].sort();

function seed(only?: string[]): Promise<SeedReport> {
  return seedBank({
    bankDir,
    org,
    serverUrl: fx.running.url,
    auth: appAuth(fx),
    ...(only ? { only } : {}),
    agents: [fx.running.users.agent],
    maintainers: [fx.running.users.admin],
    cacheDir,
    workDir: root,
    fetch: contractFetch(fx.running.apiUrl, problems),
  });
}

async function issuesOf(repo: string) {
  const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/issues", {
    owner: org,
    repo,
    state: "all",
  });
  return data;
}

async function commentsOf(repo: string, issue: number) {
  const { data } = await fx.admin.request(
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    { owner: org, repo, issue_number: issue, per_page: 100 },
  );
  return data;
}

async function fileText(repo: string, file: string): Promise<string> {
  const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/contents/{path}", {
    owner: org,
    repo,
    path: file,
  });
  return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
}

let first: SeedReport;
beforeAll(async () => {
  first = await seed();
}, 120_000);

describe("seedBank on the sandbox", () => {
  it("creates exactly the grader, the ledger and one mirror per task, and reports each", async () => {
    const { data: repos } = await fx.admin.request("GET /orgs/{org}/repos", { org });
    expect(repos.map((r) => r.name).sort()).toEqual(
      [...ids, "lancer-grader", "lancer-ledger"].sort(),
    );
    expect(first.tasks.map((t) => t.id)).toEqual(ids);
    for (const task of first.tasks) {
      const bankTask = bank.find((t) => t.task.id === task.id)!.task;
      expect(task).toMatchObject({
        kind: bankTask.kind,
        price_cents: bankTask.price_cents,
        repository: `${org}/${task.id}`,
        issue_number: 1,
        issue_url: `${fx.running.url}/${org}/${task.id}/issues/1`,
        created: {
          repo: true,
          content: "pushed",
          issue: true,
          collaborators: [fx.running.users.agent],
        },
      });
    }
    expect(first.totals).toMatchObject({
      tasks: 3,
      ic: 2,
      manager: 1,
      repos_created: 3,
      issues_created: 3,
      issues_found: 0,
      proposals_created: bank.find((t) => t.task.id === MANAGER_TASK)!.task.proposals!.length,
    });
    expect(first.grader).toMatchObject({ created: true, pushed: true, config_written: true });
    expect(first.ledger).toMatchObject({
      created: true,
      readme_written: true,
      catalogue_written: true,
      catalogue_tasks: 3,
    });
    expect(first.requests.retries).toBe(0);
    expect(problems).toEqual([]);
  });

  it("gives each mirror one commit on main with the base tree, no workflows, hidden files or other refs", async () => {
    for (const id of [IC_DIR_TASK, IC_REPO_TASK]) {
      const dir = await cloneRepo(fx, id, path.join(root, `clone-${id}`));
      expect(await gitOutput(["rev-list", "--all", "--count"], { cwd: dir })).toBe("1");
      const refs = await gitOutput(["ls-remote", "origin"], {
        cwd: dir,
        env: gitAuthEnv(fx.running.url, fx.running.tokens.admin),
      });
      expect(
        refs
          .split("\n")
          .map((l) => l.split("\t")[1])
          .sort(),
      ).toEqual(["HEAD", "refs/heads/main"]);
      expect(await gitOutput(["log", "-1", "--format=%an <%ae> %cn <%ce> %aI"], { cwd: dir })).toBe(
        "Lancer <lancer@users.noreply.github.com> Lancer <lancer@users.noreply.github.com> 2000-01-01T00:00:00+00:00",
      );
      const files = await filesAt(dir);
      const bankTask = bank.find((t) => t.task.id === id)!;
      const source = await ensureSourceRepo(bankTask, cacheDir);
      const baseFiles = await filesAt(source.repo, source.commit);
      expect(files).toEqual(baseFiles.filter((f) => !f.startsWith(".github/workflows/")));
      expect(files.some((f) => f.startsWith(".github/workflows"))).toBe(false);
      expect(files).not.toContain("gold.patch");
      expect(files.some((f) => f.startsWith("hidden/") || f === "test.patch")).toBe(false);
    }
    const icFiles = await filesAt(path.join(root, `clone-${IC_DIR_TASK}`));
    expect(icFiles).toContain(".github/CODEOWNERS");
    // The hidden test overlays source/test/slugify.test.js: the mirror has the visible one.
    const hiddenTest = readFileSync(
      path.join(bankDir, IC_DIR_TASK, "hidden/test/slugify.test.js"),
      "utf8",
    );
    expect(
      readFileSync(path.join(root, `clone-${IC_DIR_TASK}`, "test/slugify.test.js"), "utf8"),
    ).not.toBe(hiddenTest);
    // A repository source: the tree of its base commit, not its tip, without its history.
    const repoClone = path.join(root, `clone-${IC_REPO_TASK}`);
    expect(await filesAt(repoClone)).toEqual(["README.md", "lib/add.sh"]);
    expect(await gitOutput(["rev-parse", "HEAD^{tree}"], { cwd: repoClone })).toBe(
      await gitOutput(["rev-parse", `${baseCommit}^{tree}`], { cwd: path.join(root, "upstream") }),
    );
  });

  it("opens one issue per task, by the app, with the task's labels and marker", async () => {
    for (const bankTask of bank) {
      const issues = await issuesOf(bankTask.task.id);
      expect(issues).toHaveLength(1);
      const issue = issues[0]!;
      const rendered = renderTaskIssue(publicView(bankTask.task));
      expect(issue.title).toBe(rendered.title);
      expect(issue.body).toBe(rendered.body);
      expect(taskIdOf(issue.body)).toBe(bankTask.task.id);
      expect(issue.user?.login).toBe("lancer[bot]");
      expect(issue.labels.map((l) => (typeof l === "string" ? l : l.name)).sort()).toEqual(
        [...rendered.labels].sort(),
      );
    }
    const slugify = await issuesOf(IC_DIR_TASK);
    expect(slugify[0]!.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(
      expect.arrayContaining(["lancer", "$250", "ic"]),
    );
    const manager = (await issuesOf(MANAGER_TASK))[0]!;
    expect(manager.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(
      expect.arrayContaining(["lancer", "$500", "manager"]),
    );
  });

  it("posts each proposal of a manager task as its own comment, in order, by the app", async () => {
    const task = bank.find((t) => t.task.id === MANAGER_TASK)!.task;
    const comments = await commentsOf(MANAGER_TASK, 1);
    expect(comments.map((c) => c.body)).toEqual(
      task.proposals!.map((p) => renderProposalComment(p)),
    );
    expect(new Set(comments.map((c) => c.user?.login))).toEqual(new Set(["lancer[bot]"]));
  });

  it("fills the private grader repository: workflow, config, task folders without gold.patch", async () => {
    const { data: repo } = await fx.admin.request("GET /repos/{owner}/{repo}", {
      owner: org,
      repo: "lancer-grader",
    });
    expect(repo.private).toBe(true);
    const workflow = await fileText("lancer-grader", ".github/workflows/grade.yml");
    const template = readFileSync(
      path.resolve(import.meta.dirname, "../../templates/grader.yml"),
      "utf8",
    );
    expect(workflow).not.toContain("your-org/lancer-bank");
    expect(workflow.match(/bank: arena\/lancer-grader$/gm)).toHaveLength(2);
    expect(workflow.match(/uses: lancer\/lancer@v1$/gm)).toHaveLength(
      template.match(/uses: lancer\/lancer@v1$/gm)!.length,
    );
    const parsed = parseYaml(workflow) as { on: Record<string, unknown> };
    expect(parsed.on).toHaveProperty("workflow_dispatch");
    const config = parseLancerConfig(await fileText("lancer-grader", ".github/lancer.yml"));
    expect(config).toMatchObject({
      agents: [fx.running.users.agent],
      maintainers: [fx.running.users.admin],
      ledger: "lancer-ledger",
    });

    const clone = await cloneRepo(fx, "lancer-grader", path.join(root, "clone-grader"));
    expect(await gitOutput(["rev-list", "--count", "HEAD"], { cwd: clone })).toBe("1");
    const files = await filesAt(clone);
    for (const bankTask of bank) {
      const id = bankTask.task.id;
      const inRepo = files.filter((f) => f.startsWith(`${id}/`)).map((f) => f.slice(id.length + 1));
      const onDisk = await filesAt(
        await gitTreeOfFolder(bankTask.dir, path.join(root, `scan-${id}`)),
      );
      expect(inRepo).toEqual(onDisk.filter((f) => f !== "gold.patch"));
      expect(inRepo).not.toContain("gold.patch");
      expect(inRepo).toContain("task.yaml");
      expect(readFileSync(path.join(clone, id, "task.yaml"), "utf8")).toBe(
        readFileSync(path.join(bankTask.dir, "task.yaml"), "utf8"),
      );
    }
    expect(files).toContain(`${IC_DIR_TASK}/hidden/test/slugify.test.js`);
    expect(files.filter((f) => !ids.some((id) => f.startsWith(`${id}/`)))).toEqual([
      ".github/lancer.yml",
      ".github/workflows/grade.yml",
    ]);
  });

  it("keeps the grader repository from the agent, and lets the agent push to a mirror", async () => {
    expect(
      await statusOf(
        fx.agent.request("GET /repos/{owner}/{repo}", { owner: org, repo: "lancer-grader" }),
      ),
    ).toBe(404);
    const clone = await cloneRepo(
      fx,
      IC_DIR_TASK,
      path.join(root, "agent-clone"),
      fx.running.tokens.agent,
    );
    await git(["checkout", "-q", "-b", "lancer/attempt-1"], { cwd: clone });
    await git(["commit", "-q", "--allow-empty", "-m", "try"], { cwd: clone });
    await git(["push", "-q", "origin", "lancer/attempt-1"], {
      cwd: clone,
      env: gitAuthEnv(fx.running.url, fx.running.tokens.agent),
    });
    const { data: branch } = await fx.agent.request("GET /repos/{owner}/{repo}/branches/{branch}", {
      owner: org,
      repo: IC_DIR_TASK,
      branch: "lancer/attempt-1",
    });
    expect(branch.name).toBe("lancer/attempt-1");
  });

  it("lists every seeded task in the ledger's tasks.json, a valid Catalogue", async () => {
    const text = await fileText("lancer-ledger", "tasks.json");
    const catalogue = Catalogue.parse(JSON.parse(text));
    expect(text).toBe(`${JSON.stringify(catalogue, null, 2)}\n`);
    expect(catalogue.org).toBe(org);
    expect(catalogue.tasks).toEqual(
      ids.map((id) => {
        const task = bank.find((t) => t.task.id === id)!.task;
        return {
          id,
          kind: task.kind,
          price_cents: task.price_cents,
          title: task.title,
          repository: `${org}/${id}`,
          issue_number: 1,
        };
      }),
    );
    expect(await fileText("lancer-ledger", "README.md")).toContain("No payouts yet");
    const { data: ledger } = await fx.anonymous.request("GET /repos/{owner}/{repo}", {
      owner: org,
      repo: "lancer-ledger",
    });
    expect(ledger.private).toBe(false);
  });

  it("seeds nothing new when run again: no create request, one issue per task, one comment per proposal", async () => {
    const writes = ["POST", "PUT", "PATCH", "DELETE"];
    const before = routeCounts(fx, writes);
    const again = await seed();
    expect(routeCounts(fx, writes)).toEqual(before);
    expect(again.requests.creating).toBe(0);
    // A rerun only reads: each repository, each agent's access, each issue list, the proposals.
    expect(again.requests.by_route).toEqual({
      "GET /orgs/{org}/installation": 1,
      "GET /app": 1,
      "POST /app/installations/{installation_id}/access_tokens": 1,
      "GET /orgs/{org}/repos": 1,
      "GET /repos/{owner}/{repo}": 5,
      "GET /repos/{owner}/{repo}/collaborators/{username}": 3,
      "GET /repos/{owner}/{repo}/issues": 3,
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": 1,
      "GET /repos/{owner}/{repo}/contents/{path}": 2,
    });
    for (const task of again.tasks) {
      expect(task.created).toEqual({
        repo: false,
        content: "unchanged",
        issue: false,
        proposals: 0,
        proposals_found: task.kind === "manager" ? first.totals.proposals_created : 0,
        collaborators: [],
      });
      expect(task.issue_number).toBe(1);
      expect(await issuesOf(task.id)).toHaveLength(1);
    }
    expect(again.grader).toMatchObject({
      created: false,
      pushed: false,
      commit: first.grader.commit,
    });
    expect(again.ledger).toMatchObject({
      created: false,
      readme_written: false,
      catalogue_written: false,
    });
    expect(await commentsOf(MANAGER_TASK, 1)).toHaveLength(first.totals.proposals_created);
    expect(problems).toEqual([]);
  });

  it("adds a new task on top of the grader's history, keeping the org's config and the other tasks", async () => {
    const custom = "# ours\nagents: [someone-else]\n";
    const { data: current } = await fx.admin.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: org,
      repo: "lancer-grader",
      path: ".github/lancer.yml",
    });
    await fx.admin.request("PUT /repos/{owner}/{repo}/contents/{path}", {
      owner: org,
      repo: "lancer-grader",
      path: ".github/lancer.yml",
      message: "our config",
      content: Buffer.from(custom).toString("base64"),
      sha: (current as { sha: string }).sha,
    });
    writeTinyManagerTask(bankDir, "mgr-tiny-added");
    const report = await seed(["mgr-tiny-added"]);
    expect(report.tasks.map((t) => t.id)).toEqual(["mgr-tiny-added"]);
    expect(report.grader).toMatchObject({ pushed: true, config_written: false });
    expect(await fileText("lancer-grader", ".github/lancer.yml")).toBe(custom);
    const clone = await cloneRepo(fx, "lancer-grader", path.join(root, "clone-grader-2"));
    expect(await gitOutput(["rev-list", "--count", "HEAD"], { cwd: clone })).toBe("3");
    const tops = new Set((await filesAt(clone)).map((f) => f.split("/")[0]));
    expect([...tops].sort()).toEqual([".github", ...ids, "mgr-tiny-added"].sort());
    // The manager task without a source gets a mirror with a README, and its catalogue entry.
    const mirror = await cloneRepo(fx, "mgr-tiny-added", path.join(root, "clone-tiny"));
    expect(await filesAt(mirror)).toEqual(["README.md"]);
    const catalogue = Catalogue.parse(JSON.parse(await fileText("lancer-ledger", "tasks.json")));
    expect(catalogue.tasks.map((t) => t.id)).toEqual([...ids, "mgr-tiny-added"].sort());
    expect(report.ledger).toMatchObject({ catalogue_written: true, catalogue_tasks: 4 });
  });

  it("spends 3 REST requests on a fresh IC task (all creating), 3 + one per proposal on a manager task", () => {
    const proposals = first.totals.proposals_created;
    expect(first.requests.by_route).toEqual({
      // Once per run: find the installation, the app's bot login, mint a token.
      "GET /orgs/{org}/installation": 1,
      "GET /app": 1,
      "POST /app/installations/{installation_id}/access_tokens": 1,
      // The org's repositories, listed once: a mirror not among them is created without a look.
      "GET /orgs/{org}/repos": 1,
      // Grader and ledger: look (404), create; the 3 mirrors: create.
      "GET /repos/{owner}/{repo}": 2,
      "POST /orgs/{org}/repos": 5,
      // Per mirror: the agent's access and the issue; the manager task's proposals.
      "PUT /repos/{owner}/{repo}/collaborators/{username}": 3,
      "POST /repos/{owner}/{repo}/issues": 3,
      "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": proposals,
      // Ledger: README and tasks.json.
      "PUT /repos/{owner}/{repo}/contents/{path}": 2,
    });
    expect(first.requests.total).toBe(3 + 1 + 2 + 5 + 3 + 3 + proposals + 2);
    expect(first.requests.creating).toBe(5 + 3 + 3 + proposals + 2);
  });
});

/** A scratch repository holding a folder as git would commit it (`.gitignore` honoured). */
async function gitTreeOfFolder(folder: string, scratch: string): Promise<string> {
  await git(["init", "-q", scratch], { cwd: path.dirname(scratch) });
  const env = { GIT_DIR: path.join(scratch, ".git"), GIT_WORK_TREE: folder };
  await git(["add", "-A"], { cwd: folder, env });
  await git(["commit", "-q", "-m", "scan"], { cwd: folder, env });
  return scratch;
}
