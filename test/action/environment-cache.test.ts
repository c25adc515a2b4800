import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { createActionsRepo, jobLog, latestJobs } from "../helpers/actions-repo.ts";
import {
  dispatchAndSettle,
  lancerChecks,
  PROJECT_ROOT,
  pushBank,
  pushMirror,
  startLancerSandbox,
  type Mirror,
} from "../helpers/lancer-action.ts";
import type { SandboxFixture } from "../helpers/sandbox-fixture.ts";

/**
 * The grader template as shipped, run by the sandbox's workflow runner: a task with an npm
 * dependency (installed by `npm ci` from the registry) is graded twice; the first grading
 * installs and saves the environment with actions/cache/save, the second restores it with
 * actions/cache/restore and installs nothing. A task whose install fails is a grading error,
 * never $0, and nothing is saved for it.
 */
const SOURCE = {
  "package.json": `${JSON.stringify({ name: "count", version: "1.0.0", dependencies: { "is-number": "7.0.0" } })}\n`,
  ".gitignore": "node_modules/\n",
  "lib/count.js": 'const isNumber = require("is-number");\nexports.isCount = (n) => isNumber(n);\n',
};

const GOLD = `diff --git a/lib/count.js b/lib/count.js
--- a/lib/count.js
+++ b/lib/count.js
@@ -1,2 +1,2 @@
 const isNumber = require("is-number");
-exports.isCount = (n) => isNumber(n);
+exports.isCount = (n) => isNumber(n) && n >= 0;
`;

const HIDDEN_TEST = `const test = require("node:test");
const assert = require("node:assert");
const { isCount } = require("../lib/count.js");
test("counts > accepts 3", () => assert.equal(isCount(3), true));
test("counts > refuses -1", () => assert.equal(isCount(-1), false));
`;

function taskYaml(id: string, install: string): string {
  return `id: ${id}
kind: ic
title: isCount accepts negative numbers
body: isCount(-1) is true; counts are never negative.
price_cents: 10000
source:
  dir: source
environment:
  install: [${JSON.stringify(install)}]
hidden:
  test:
    command: node --test --test-reporter=tap test/count.test.js
    format: tap
    fail_to_pass: [counts > refuses -1]
    pass_to_pass: [counts > accepts 3]
    timeout_seconds: 60
  protected: ["test/**"]
`;
}

/** A lockfile for SOURCE, made by npm from the registry. */
async function lockfile(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "lancer-lock-"));
  writeFileSync(path.join(dir, "package.json"), SOURCE["package.json"]);
  await execa("npm", ["install", "--package-lock-only", "--ignore-scripts"], { cwd: dir });
  return readFileSync(path.join(dir, "package-lock.json"), "utf8");
}

describe("the grader workflow caches task environments with actions/cache", () => {
  let fx: SandboxFixture;
  let org: string;
  let mirror: Mirror;

  beforeAll(async () => {
    fx = await startLancerSandbox();
    org = fx.running.org;
    const source = { ...SOURCE, "package-lock.json": await lockfile() };
    const task = (install: string) => ({
      "task.yaml": taskYaml("count", install),
      "hidden/test/count.test.js": HIDDEN_TEST,
      ...Object.fromEntries(Object.entries(source).map(([k, v]) => [`source/${k}`, v])),
    });
    const broken = task("npm ci --ignore-scripts && lancer-no-such-tool --setup");
    broken["task.yaml"] = broken["task.yaml"].replace("id: count", "id: count-broken");
    await pushBank(fx, "bank", {
      count: task("npm ci --ignore-scripts"),
      "count-broken": broken,
    });
    mirror = await pushMirror(fx, "count", source);
    const grader = await createActionsRepo(fx, "grader");
    const workflow = readFileSync(path.join(PROJECT_ROOT, "templates/grader.yml"), "utf8");
    await grader.commit({
      ".github/workflows/grade.yml": workflow.replaceAll("your-org/lancer-bank", `${org}/bank`),
    });
    await grader.push("main");
  }, 120_000);

  async function grade(task: string, sha: string, pr: number) {
    await dispatchAndSettle(fx, "grader", "grade.yml", {
      repository: `${org}/count`,
      pr: String(pr),
      sha,
      task,
      attempt: "1",
    });
    const { run, jobs } = await latestJobs(fx, "grader", "grade.yml");
    return { run, log: await jobLog(fx, "grader", jobs.grade!.id) };
  }

  it("installs and saves on the first grading, restores and installs nothing on the second", async () => {
    const sha = await mirror.branch("gold", { patch: GOLD });
    const pr = await mirror.pull("gold");

    const first = await grade("count", sha, pr);
    expect(first.run.conclusion).toBe("success");
    const key = /Environment key (lancer-env-[0-9a-f]{32}),/.exec(first.log)?.[1];
    expect(key, first.log).toBeDefined();
    expect(first.log).toContain(`Cache not found for input keys: ${key}`);
    expect(first.log).toContain("Lancer: task count, phase environment");
    expect(first.log).toMatch(/Environment [0-9a-f]{32} installed in \d+ ms/);
    expect(first.log).toContain(`Cache saved with key: ${key}`);
    // The save comes before the candidate's code runs.
    expect(first.log.indexOf("Cache saved with key")).toBeLessThan(
      first.log.indexOf("Lancer: task count, phase run"),
    );
    const [check] = await lancerChecks(fx, "count", sha);
    expect(check?.output.title).toBe("pass: $100 earned");

    // The base, graded next: the same key, restored, no install step.
    const second = await grade("count", mirror.mainSha, 1);
    expect(second.run.conclusion).toBe("success");
    expect(second.log).toContain(`Environment key ${key},`);
    expect(second.log).toContain(`Cache restored from key: ${key}`);
    expect(second.log).not.toContain("Lancer: task count, phase environment");
    expect(second.log).not.toMatch(/installed in \d+ ms/);
    expect(second.log).toMatch(/Environment [0-9a-f]{32}: from the cache, nothing installed/);
    const [base] = await lancerChecks(fx, "count", mirror.mainSha);
    expect(base?.output.title).toBe("fail (tests-failed): $0 of $100");
  }, 240_000);

  it("reports a failed install as a grading error naming the step, saves nothing, pays nothing", async () => {
    const sha = await mirror.branch("gold-broken", { patch: GOLD });
    const pr = await mirror.pull("gold-broken");
    const { run, log } = await grade("count-broken", sha, pr);
    expect(run.conclusion).toBe("failure");
    expect(log).toContain("lancer-no-such-tool");
    expect(log).not.toContain("Cache saved with key");
    const checks = await lancerChecks(fx, "count", sha);
    const errored = checks.find((c) => c.external_id === "lancer:count-broken:1");
    expect(errored?.conclusion).toBe("neutral");
    expect(errored?.output.title).toBe("grading error: no payout decided");
    expect(errored?.output.summary).toContain(
      'install step "npm ci --ignore-scripts && lancer-no-such-tool --setup" exited 127',
    );
  }, 240_000);
});
