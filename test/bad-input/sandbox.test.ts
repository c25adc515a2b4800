import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { runLancer } from "../helpers/run-lancer.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { expectNamedError, expectTreeUnchanged, makeSentinels, snapshotTree } from "./harness.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/lancer.js");

describe("lancer sandbox: every flag is checked before anything is created", () => {
  const dir = tempDir("lancer-bad-sandbox-");
  const cwd = path.join(dir, "work");
  mkdirSync(cwd);
  const aFile = path.join(dir, "a-file");
  writeFileSync(aFile, "not a folder\n");

  /** Runs `lancer sandbox` with these flags; asserts exit 1, a named message, no stack, nothing created. */
  async function refused(args: string[], ...culprits: (string | RegExp)[]): Promise<void> {
    const before = snapshotTree(dir);
    const result = await runLancer(["sandbox", ...args], { cwd });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toBe("");
    expectNamedError(result.stderr, ...culprits);
    expectTreeUnchanged(dir, before);
  }

  it("refuses --port 99999 before creating its state folder", async () => {
    await refused(
      ["--port", "99999"],
      "option '--port <n>' argument '99999' is invalid. expected a port number from 0 to 65535",
    );
  });

  it("refuses --port -1", async () => {
    await refused(["--port", "-1"], "option '--port <n>' argument '-1' is invalid");
  });

  it("refuses --port abc", async () => {
    await refused(
      ["--port", "abc"],
      "option '--port <n>' argument 'abc' is invalid. expected a port number",
    );
  });

  it("names a --port already in use, and creates nothing", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", () => resolve()));
    const port = (taken.address() as AddressInfo).port;
    try {
      await refused(["--port", String(port)], `lancer: --port ${port}: already in use`);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it("names a --state-dir that is a regular file", async () => {
    await refused(["--state-dir", aFile], `--state-dir: ${aFile} is a file; expected a folder`);
  });

  it("names a --state-dir under a regular file", async () => {
    const under = path.join(aFile, "state");
    await refused(
      ["--state-dir", under],
      `--state-dir: ${under} is under ${aFile}, which is a file; expected a folder`,
    );
  });

  it("refuses a --state-dir of someone's files instead of emptying its git/", async () => {
    // A git/ of one's own, which a start would empty: pictured with the sentinels.
    mkdirSync(path.join(dir, "my-projects", "git", "keep"), { recursive: true });
    const sentinels = makeSentinels(path.join(dir, "my-projects"));
    await refused(
      ["--state-dir", sentinels.dir],
      `--state-dir: ${sentinels.dir} holds files and no sandbox.json (git, inner, sentinel.txt); each start empties its git/, so give a new or empty folder`,
    );
    sentinels.check();
  });

  it("refuses an --org GitHub would not allow", async () => {
    await refused(
      ["--org", "bad org"],
      "option '--org <login>' argument 'bad org' is invalid. expected an organization login",
    );
  });

  it("refuses an empty --org", async () => {
    await refused(["--org", ""], "option '--org <login>' argument '' is invalid");
  });

  it("refuses an --org ending in a hyphen", async () => {
    await refused(["--org", "arena-"], "option '--org <login>' argument 'arena-' is invalid");
  });

  it("refuses a --webhook-url that is not a URL", async () => {
    await refused(
      ["--webhook-url", "nope"],
      "option '--webhook-url <url>' argument 'nope' is invalid. expected an http(s) URL",
    );
  });

  it("refuses a --webhook-url that is not http(s)", async () => {
    await refused(
      ["--webhook-url", "ftp://example.com/hook"],
      "option '--webhook-url <url>' argument 'ftp://example.com/hook' is invalid",
    );
  });

  it("takes --port 0: any free port", async () => {
    const stateDir = path.join(dir, "port-zero");
    const server = execa(
      process.execPath,
      [BIN, "sandbox", "--port", "0", "--state-dir", stateDir, "--json"],
      { env: { CI: "true" }, reject: false },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        server.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          try {
            resolve((JSON.parse(out) as { url: string }).url);
          } catch {
            // not complete yet
          }
        });
        void server.then((r) => reject(new Error(`exited ${r.exitCode}: ${r.stderr}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    } finally {
      server.kill("SIGINT");
      await server;
    }
  }, 30_000);
});

const fx = await startSandboxFixture();
const org = fx.running.org;
const token = fx.running.tokens.admin;
await fx.createRepo("bad-requests");
const issuesPath = `/repos/${org}/bad-requests/issues`;
const { data: issue } = await fx.admin.request("POST /repos/{owner}/{repo}/issues", {
  owner: org,
  repo: "bad-requests",
  title: "an issue",
});

describe("sandbox REST: bad requests answer GitHub's 4xx, naming what is wrong", () => {
  async function call(
    method: string,
    pathname: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${fx.running.apiUrl}${pathname}`, {
      method,
      headers: { authorization: `token ${token}`, "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function issueCount(): Promise<number> {
    const { data } = await fx.admin.request("GET /repos/{owner}/{repo}/issues", {
      owner: org,
      repo: "bad-requests",
      state: "all",
    });
    return data.length;
  }

  /** GitHub's error shape: message and documentation_url, and the status. */
  function expectError(
    answer: { status: number; json: Record<string, unknown> },
    status: number,
    message: string,
  ): void {
    expect(answer.status).toBe(status);
    expect(answer.json.message).toBe(message);
    expect(answer.json.documentation_url).toMatch(/^https:\/\/docs\.github\.com\//);
  }

  it("answers a malformed JSON body 400 Problems parsing JSON, and creates nothing", async () => {
    const before = await issueCount();
    expectError(await call("POST", issuesPath, '{"title": "x",'), 400, "Problems parsing JSON");
    expect(await issueCount()).toBe(before);
  });

  it("answers a form-encoded body (wrong content type) 400, and creates nothing", async () => {
    const before = await issueCount();
    const answer = await call("POST", issuesPath, "title=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expectError(answer, 400, "Problems parsing JSON");
    expect(await issueCount()).toBe(before);
  });

  it("answers a JSON array body 400", async () => {
    expectError(await call("POST", issuesPath, "[]"), 400, "Problems parsing JSON");
  });

  it("answers a field of the wrong JSON type 422 naming resource, field and code", async () => {
    const answer = await call("POST", `${issuesPath}/${issue.number}/comments`, '{"body": 5}');
    expect(answer.status).toBe(422);
    expect(answer.json.errors).toEqual([
      { resource: "IssueComment", field: "body", code: "invalid" },
    ]);
    expect(answer.json.message).toContain("For 'body', 5 is not a string.");
  });

  it("answers a missing required field 422 missing_field", async () => {
    const answer = await call("POST", `${issuesPath}/${issue.number}/comments`, "{}");
    expectError(answer, 422, "Validation Failed");
    expect(answer.json.errors).toEqual([
      { resource: "IssueComment", field: "body", code: "missing_field" },
    ]);
  });

  it("answers an unknown route 404 Not Found", async () => {
    expectError(await call("GET", `/repos/${org}/bad-requests/no-such-thing`), 404, "Not Found");
  });

  it("names per_page when it is not a number (was 'page')", async () => {
    expectError(
      await call("GET", `${issuesPath}?per_page=abc`),
      422,
      "Invalid per_page parameter: abc (expected a whole number ≥ 1)",
    );
  });

  it("names page when it is 0", async () => {
    expectError(
      await call("GET", `${issuesPath}?page=0`),
      422,
      "Invalid page parameter: 0 (expected a whole number ≥ 1)",
    );
  });

  it("clamps per_page above 100 as GitHub does (200)", async () => {
    expect((await call("GET", `${issuesPath}?per_page=1000`)).status).toBe(200);
  });

  it("answers an app JWT that cannot be decoded 401 (was 500 'sandbox error')", async () => {
    expectError(
      await call("GET", "/app", undefined, { authorization: "Bearer not.a.jwt" }),
      401,
      "A JSON web token could not be decoded",
    );
  });

  /** Sends a POST whose headers (and optional chunks) are given; resolves to the answer. */
  function rawPost(
    headers: Record<string, string>,
    chunks: number,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const url = new URL(`${fx.running.apiUrl}${issuesPath}`);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            authorization: `token ${token}`,
            "content-type": "application/json",
            ...headers,
          },
        },
        (response) => {
          let text = "";
          response.on("data", (c: Buffer) => (text += c.toString()));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              json: JSON.parse(text) as Record<string, unknown>,
            }),
          );
        },
      );
      req.on("error", chunks === 0 ? reject : () => undefined);
      if (chunks === 0) {
        req.flushHeaders();
        return;
      }
      let sent = 0;
      const write = (): void => {
        while (sent < chunks) {
          sent += 1;
          if (!req.write(chunk)) {
            req.once("drain", write);
            return;
          }
        }
        req.end();
      };
      write();
    });
  }

  it("answers a Content-Length above 50 MB 413 without reading the body", async () => {
    const before = await issueCount();
    const answer = await rawPost({ "content-length": String(51 * 1024 * 1024) }, 0);
    expectError(answer, 413, "Request body too large");
    expect(await issueCount()).toBe(before);
  });

  it("answers a chunked body passing 50 MB 413, and creates nothing", async () => {
    const before = await issueCount();
    expectError(await rawPost({}, 52), 413, "Request body too large");
    expect(await issueCount()).toBe(before);
  });
});
