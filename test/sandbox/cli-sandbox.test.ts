import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { verify } from "@octokit/webhooks-methods";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { git } from "../../src/core/git/git.ts";
import type { SandboxInfo } from "../../src/sandbox/start-sandbox.ts";
import { contractOctokit, statusOf } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/lancer.js");
const dir = tempDir();
const stateDir = path.join(dir, "state");

// A webhook receiver that keeps raw bodies, to check signatures once the secret is known.
const received: Array<{ event: string; body: string; signature: string }> = [];
const arrivals: Array<() => void> = [];
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (c: Buffer) => chunks.push(c));
  request.on("end", () => {
    received.push({
      event: String(request.headers["x-github-event"]),
      body: Buffer.concat(chunks).toString("utf8"),
      signature: String(request.headers["x-hub-signature-256"]),
    });
    arrivals.splice(0).forEach((wake) => wake());
    response.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;

/** Resolves once a delivery of `event` has arrived. */
function arrived(event: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () =>
      received.some((r) => r.event === event) ? resolve() : arrivals.push(check);
    check();
  });
}

const server = execa(
  process.execPath,
  [BIN, "sandbox", "--state-dir", stateDir, "--webhook-url", webhookUrl, "--json"],
  { env: { CI: "true" }, reject: false },
);
const info = await new Promise<SandboxInfo>((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    try {
      resolve(JSON.parse(out) as SandboxInfo);
    } catch {
      // not complete yet
    }
  });
  void server.then((r) => reject(new Error(`lancer sandbox exited ${r.exitCode}: ${r.stderr}`)));
});
afterAll(async () => {
  server.kill("SIGINT");
  await server;
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe("npx lancer sandbox", () => {
  it("writes sandbox.json with the url, org, tokens and app facts", () => {
    const onDisk = JSON.parse(
      readFileSync(path.join(stateDir, "sandbox.json"), "utf8"),
    ) as SandboxInfo;
    expect(onDisk).toEqual(info);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.org).toBe("arena");
    expect(info.app).toMatchObject({ slug: "lancer", webhookUrl });
    expect(readFileSync(info.app.privateKeyPath, "utf8")).toContain("PRIVATE KEY");
  });

  it("lets the admin create a repo, push over HTTP, open an issue and a PR, with signed webhooks", async () => {
    const admin = contractOctokit(info.apiUrl, info.tokens.admin);
    await admin.request("POST /orgs/{org}/repos", { org: info.org, name: "demo", private: true });
    const work = path.join(dir, "work");
    mkdirSync(work);
    await git(["init", "-q", "-b", "main"], { cwd: work });
    writeFileSync(path.join(work, "README.md"), "# demo\n");
    await git(["add", "-A"], { cwd: work });
    await git(["commit", "-q", "-m", "first"], { cwd: work });
    const remote = new URL(`${info.url}/${info.org}/demo.git`);
    remote.username = "x-access-token";
    remote.password = info.tokens.admin;
    await git(["push", "-q", remote.toString(), "main"], { cwd: work });
    await git(["checkout", "-q", "-b", "fix"], { cwd: work });
    writeFileSync(path.join(work, "fix.txt"), "fixed\n");
    await git(["add", "-A"], { cwd: work });
    await git(["commit", "-q", "-m", "fix"], { cwd: work });
    await git(["push", "-q", remote.toString(), "fix"], { cwd: work });
    const issue = await admin.request("POST /repos/{owner}/{repo}/issues", {
      owner: info.org,
      repo: "demo",
      title: "It is broken",
    });
    const pull = await admin.request("POST /repos/{owner}/{repo}/pulls", {
      owner: info.org,
      repo: "demo",
      title: "Fix it",
      head: "fix",
      base: "main",
      body: `Fixes #${issue.data.number}`,
    });
    expect(pull.data.number).toBe(issue.data.number + 1);
    await Promise.all(["push", "issues", "pull_request"].map(arrived));
    for (const delivery of received) {
      expect(await verify(info.app.webhookSecret, delivery.body, delivery.signature)).toBe(true);
    }
  });

  it("hides a private repo from the agent token", async () => {
    const agent = contractOctokit(info.apiUrl, info.tokens.agent);
    expect(
      await statusOf(agent.request("GET /repos/{owner}/{repo}", { owner: info.org, repo: "demo" })),
    ).toBe(404);
    const remote = new URL(`${info.url}/${info.org}/demo.git`);
    remote.username = "x-access-token";
    remote.password = info.tokens.agent;
    const clone = await git(["clone", "-q", remote.toString(), path.join(dir, "stolen")], {
      cwd: dir,
      allowFailure: true,
    });
    expect(clone.exitCode).not.toBe(0);
  });
});
