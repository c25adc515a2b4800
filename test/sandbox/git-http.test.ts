import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitOutput } from "../../src/core/git/git.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const fx = await startSandboxFixture();
const org = fx.running.org;
const work = tempDir();

function remote(token: string, repo: string): string {
  const url = new URL(`${fx.running.url}/${org}/${repo}.git`);
  url.username = "x-access-token";
  url.password = token;
  return url.toString();
}

async function localRepo(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  await git(["init", "-q", "-b", "main"], { cwd: dir });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  await git(["add", "-A"], { cwd: dir });
  await git(["commit", "-q", "-m", "first"], { cwd: dir });
  return dir;
}

describe("sandbox: git over HTTP", () => {
  it("takes a push with the admin token and serves a clone of it", async () => {
    await fx.admin.request("POST /orgs/{org}/repos", { org, name: "pushed", private: true });
    const dir = await localRepo("pushed", {
      "README.md": "# hi\n",
      "src/a.js": "export const a = 1;\n",
    });
    const head = await gitOutput(["rev-parse", "HEAD"], { cwd: dir });
    await git(["push", "-q", remote(fx.running.tokens.admin, "pushed"), "main"], { cwd: dir });
    const clone = path.join(work, "clone");
    await git(["clone", "-q", remote(fx.running.tokens.admin, "pushed"), clone], { cwd: work });
    expect(await gitOutput(["rev-parse", "HEAD"], { cwd: clone })).toBe(head);
  });

  it("refuses a clone of a private repo to a token that was not given it", async () => {
    const result = await git(
      ["clone", "-q", remote(fx.running.tokens.agent, "pushed"), path.join(work, "nope")],
      { cwd: work, allowFailure: true },
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/not found|404/i);
  });

  it("refuses a push that touches .github/workflows without the workflows permission", async () => {
    await fx.admin.request("POST /orgs/{org}/repos", { org, name: "wf", private: true });
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner: org,
      repo: "wf",
      username: "lancer-agent",
      permission: "push",
    });
    const dir = await localRepo("wf", { "README.md": "x\n" });
    expect(
      (
        await git(["push", "-q", remote(fx.running.tokens.agent, "wf"), "main"], {
          cwd: dir,
          allowFailure: true,
        })
      ).exitCode,
    ).toBe(0);
    mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    writeFileSync(path.join(dir, ".github", "workflows", "evil.yml"), "on: push\n");
    await git(["add", "-A"], { cwd: dir });
    await git(["commit", "-q", "-m", "workflow"], { cwd: dir });
    const refused = await git(["push", "-q", remote(fx.running.tokens.agent, "wf"), "main"], {
      cwd: dir,
      allowFailure: true,
    });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("without `workflows` permission");
    const accepted = await git(["push", "-q", remote(fx.running.tokens.admin, "wf"), "main"], {
      cwd: dir,
      allowFailure: true,
    });
    expect(accepted.exitCode).toBe(0);
  });

  it("refuses a push to a token with read access only", async () => {
    await fx.admin.request("PUT /repos/{owner}/{repo}/collaborators/{username}", {
      owner: org,
      repo: "pushed",
      username: "lancer-agent",
      permission: "pull",
    });
    const dir = path.join(work, "clone");
    writeFileSync(path.join(dir, "b.txt"), "b\n");
    await git(["add", "-A"], { cwd: dir });
    await git(["commit", "-q", "-m", "b"], { cwd: dir });
    const refused = await git(
      ["push", "-q", remote(fx.running.tokens.agent, "pushed"), "HEAD:main"],
      { cwd: dir, allowFailure: true },
    );
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/403|denied/);
  });
});
