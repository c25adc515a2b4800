import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa, execaSync, type ResultPromise } from "execa";
import { describe, expect, it } from "vitest";
import { descendantsOf } from "../../src/sandbox/process-tree.ts";
import type { SandboxInfo } from "../../src/sandbox/start-sandbox.ts";
import { isRunning } from "../helpers/process-state.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyTask } from "../helpers/tiny-bank.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/lancer.js");

/** A FIFO and a promise of what the first writer writes to it (no polling, no sleeps). */
function fifoMessage(dir: string): { path: string; message: Promise<string> } {
  const fifo = path.join(dir, `ready-${Math.random().toString(36).slice(2)}.fifo`);
  execaSync("mkfifo", [fifo]);
  const message = new Promise<string>((resolve, reject) => {
    let text = "";
    createReadStream(fifo, "utf8")
      .on("data", (chunk) => (text += String(chunk)))
      .on("end", () => resolve(text.trim()))
      .on("error", reject);
  });
  return { path: fifo, message };
}

/**
 * Script of a process tree that escapes process-group kills: a sleeper in a new session
 * (setsid) and one in the background, both pids written to the FIFO once running.
 */
function hangingScript(fifo: string): string {
  return [
    "setsid sleep 600 < /dev/null > /dev/null 2>&1 &",
    "a=$!",
    "sleep 600 < /dev/null > /dev/null 2>&1 &",
    "b=$!",
    `echo "$a $b" > ${fifo}`,
    "wait",
  ].join("\n");
}

/** `message`, unless the child exits first (then its stderr, as a failure). */
function untilExit(child: ResultPromise, message: Promise<string>): Promise<string> {
  const exited = child.then((r) => {
    throw new Error(`lancer exited ${r.exitCode} too early: ${String(r.stderr)}`);
  });
  return Promise.race([message, exited]);
}

/** Sends SIGTERM to a running lancer and checks that nothing of its tree is left. */
async function expectTreeEnded(child: ResultPromise, sleepers: number[]): Promise<void> {
  const tree = descendantsOf(child.pid!);
  for (const pid of sleepers) expect(tree).toContain(pid);
  expect(sleepers.every(isRunning)).toBe(true);
  child.kill("SIGTERM");
  const result = await child;
  expect(result.exitCode).toBe(143);
  expect(tree.filter(isRunning)).toEqual([]);
}

describe("lancer sandbox and lancer demo on SIGTERM", () => {
  it("sandbox --port 0 prints the real port, and on SIGTERM ends every process of its tree", async () => {
    const dir = tempDir();
    const sandbox = execa(
      process.execPath,
      [BIN, "sandbox", "--port", "0", "--state-dir", path.join(dir, "state"), "--json"],
      { env: { CI: "true" }, reject: false },
    );
    const info = await new Promise<SandboxInfo>((resolve, reject) => {
      let out = "";
      sandbox.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        try {
          resolve(JSON.parse(out) as SandboxInfo);
        } catch {
          // not complete yet
        }
      });
      void sandbox.then((r) => reject(new Error(`lancer sandbox exited: ${r.stderr}`)));
    });
    const port = Number(new URL(info.url).port);
    expect(port).toBeGreaterThan(0);
    const admin = {
      authorization: `token ${info.tokens.admin}`,
      "content-type": "application/json",
    };
    expect((await fetch(`${info.apiUrl}/orgs/${info.org}`, { headers: admin })).status).toBe(200);

    // A workflow whose step leaves a tree behind that no process-group kill reaches.
    const ready = fifoMessage(dir);
    const created = await fetch(`${info.apiUrl}/orgs/${info.org}/repos`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ name: "hang", auto_init: true }),
    });
    expect(created.status).toBe(201);
    const workflow = [
      "on: push",
      "jobs:",
      "  hang:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: |",
      ...hangingScript(ready.path)
        .split("\n")
        .map((line) => `          ${line}`),
      "",
    ].join("\n");
    const pushed = await fetch(
      `${info.apiUrl}/repos/${info.org}/hang/contents/.github/workflows/hang.yml`,
      {
        method: "PUT",
        headers: admin,
        body: JSON.stringify({
          message: "hang",
          content: Buffer.from(workflow).toString("base64"),
        }),
      },
    );
    expect(pushed.status).toBe(201);
    const sleepers = (await untilExit(sandbox, ready.message)).split(" ").map(Number);
    await expectTreeEnded(sandbox, sleepers);
  });

  it("demo: a graded test's own process tree ends with it", async () => {
    const dir = tempDir();
    const ready = fifoMessage(dir);
    const bank = path.join(dir, "bank");
    const taskDir = writeTinyTask(
      bank,
      "tiny-hang",
      {},
      `#!/usr/bin/env bash\n${hangingScript(ready.path)}\n`,
    );
    const yaml = readFileSync(path.join(taskDir, "task.yaml"), "utf8").replace(
      "timeout_seconds: 20",
      "timeout_seconds: 600",
    );
    writeFileSync(path.join(taskDir, "task.yaml"), yaml);
    const demo = execa(
      process.execPath,
      [
        BIN,
        "demo",
        "--bank",
        bank,
        "--state-dir",
        path.join(dir, "demo"),
        "--cache-dir",
        path.join(dir, "cache"),
        "--swe-lancer",
        "0",
        "--json",
      ],
      { env: { CI: "true" }, reject: false },
    );
    const sleepers = (await untilExit(demo, ready.message)).split(" ").map(Number);
    await expectTreeEnded(demo, sleepers);
  });
});
