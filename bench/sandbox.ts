// Requests per second the sandbox answers on loopback: a simple GET (a repository) and issue
// creation, with N concurrent clients keeping their connections alive. Target ≥ 1,000 GET/s.
// Usage: node bench/sandbox.ts [--clients N] [--seconds S]
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { startSandbox } from "../src/sandbox/start-sandbox.ts";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "5" },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const stateDir = await mkdtemp(path.join(os.tmpdir(), "lancer-bench-sandbox-"));
// Far more requests than GitHub's 5,000 an hour per token: lift the primary limit for the bench.
const sandbox = await startSandbox({ stateDir, primaryLimitPerHour: 10_000_000 });
const headers = {
  authorization: `token ${sandbox.tokens.admin}`,
  "content-type": "application/json",
};
const repoUrl = `${sandbox.apiUrl}/repos/${sandbox.org}/bench`;
await fetch(`${sandbox.apiUrl}/orgs/${sandbox.org}/repos`, {
  method: "POST",
  headers,
  body: JSON.stringify({ name: "bench" }),
});

async function measure(
  label: string,
  request: () => Promise<Response>,
  expected: number,
): Promise<void> {
  let done = 0;
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const response = await request();
        await response.arrayBuffer();
        if (response.status === expected) done += 1;
        else failed += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(22)} ${(done / elapsed).toFixed(0).padStart(6)} req/s  (${done} in ${elapsed.toFixed(1)} s, ${clients} clients, ${failed} unexpected answers)`,
  );
}

console.log(`sandbox at ${sandbox.url}, cores: ${os.availableParallelism()}`);
await measure("GET repository", () => fetch(repoUrl, { headers }), 200);
let n = 0;
await measure(
  "POST issue",
  () =>
    fetch(`${repoUrl}/issues`, {
      method: "POST",
      headers,
      body: JSON.stringify({ title: `bench ${++n}` }),
    }),
  201,
);
await sandbox.stop();
await rm(stateDir, { recursive: true, force: true });
