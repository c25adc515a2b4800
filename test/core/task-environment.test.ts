import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { gradeIc, type GradeIcOptions } from "../../src/core/grade/grade-ic.ts";
import { loadTask, type BankTask } from "../../src/core/task/bank.ts";
import { runLancer } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";

/**
 * A task whose tests need a package from the npm registry (is-number), installed by `npm ci`
 * from a real lockfile: installed once per key, reused, reinstalled for a grading whose patch
 * changes the lockfile, and an install that fails is an `error`, never a `fail`.
 */
const root = tempDir("lancer-env-");
const bank = path.join(root, "bank");
const cacheDir = path.join(root, "cache");
const work = path.join(root, "work");
const taskDir = path.join(bank, "num-check");
let bankTask: BankTask;

const TEST = [
  'const test = require("node:test");',
  'const assert = require("node:assert");',
  'const { isCount } = require("../lib/count.js");',
  'test("counts > accepts 3", () => assert.equal(isCount(3), true));',
  'test("counts > refuses -1", () => assert.equal(isCount(-1), false));',
  "",
].join("\n");

function writeTask(overrides: Record<string, unknown> = {}): void {
  writeFileSync(
    path.join(taskDir, "task.yaml"),
    stringify({
      id: "num-check",
      kind: "ic",
      title: "isCount accepts negative numbers",
      body: "isCount(-1) is true; counts are never negative.",
      price_cents: 10_000,
      source: { dir: "source" },
      environment: { install: ["npm ci --ignore-scripts"], timeout_seconds: 300 },
      hidden: {
        test: {
          command: "node --test --test-reporter=tap test/count.test.js",
          format: "tap",
          fail_to_pass: ["counts > refuses -1"],
          pass_to_pass: ["counts > accepts 3"],
          timeout_seconds: 60,
        },
        protected: ["test/**"],
      },
      ...overrides,
    }),
  );
}

const GOLD = [
  "diff --git a/lib/count.js b/lib/count.js",
  "--- a/lib/count.js",
  "+++ b/lib/count.js",
  "@@ -1,3 +1,3 @@",
  ' const isNumber = require("is-number");',
  "-exports.isCount = (n) => isNumber(n);",
  "+exports.isCount = (n) => isNumber(n) && n >= 0;",
  " ",
  "",
].join("\n");

beforeAll(async () => {
  const source = path.join(taskDir, "source");
  mkdirSync(path.join(source, "lib"), { recursive: true });
  mkdirSync(path.join(taskDir, "hidden", "test"), { recursive: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(
    path.join(source, "package.json"),
    JSON.stringify({ name: "num-check", version: "1.0.0", dependencies: { "is-number": "7.0.0" } }),
  );
  writeFileSync(path.join(source, ".gitignore"), "node_modules/\n");
  writeFileSync(
    path.join(source, "lib", "count.js"),
    'const isNumber = require("is-number");\nexports.isCount = (n) => isNumber(n);\n\n',
  );
  // A real lockfile, resolved from the npm registry.
  await execa("npm", ["install", "--package-lock-only", "--ignore-scripts"], { cwd: source });
  writeFileSync(path.join(taskDir, "hidden", "test", "count.test.js"), TEST);
  writeFileSync(path.join(taskDir, "gold.patch"), GOLD);
  writeTask();
  bankTask = await loadTask(taskDir);
}, 120_000);

const options = (patch: string, extra: Partial<GradeIcOptions> = {}): GradeIcOptions => ({
  patch,
  runs: 1,
  cacheDir,
  workRoot: work,
  pathPrefix: [path.dirname(process.execPath)],
  ...extra,
});

describe("task environments", () => {
  it("installs once, then every grading reuses the environment", async () => {
    const first = await gradeIc(bankTask, options(GOLD));
    expect(first).toMatchObject({ verdict: "pass", environment: { cache_hit: false } });
    const envs = readdirSync(path.join(cacheDir, "envs"));
    expect(envs).toHaveLength(1);
    const record = JSON.parse(
      readFileSync(path.join(cacheDir, "envs", envs[0]!, "env.json"), "utf8"),
    ) as {
      outputs: string[];
    };
    expect(record.outputs).toEqual(["node_modules"]);
    const base = await gradeIc(bankTask, options(""));
    expect(base).toMatchObject({
      verdict: "fail",
      reason: "tests-failed",
      environment: { cache_hit: true, key: first.environment!.key },
    });
    expect(base.environment!.reinstalled).toBeUndefined();
    expect(readdirSync(path.join(cacheDir, "envs"))).toEqual(envs);
  });

  it("reinstalls for a grading whose patch changes the lockfile, and says so", async () => {
    const lock = JSON.parse(
      readFileSync(path.join(taskDir, "source", "package-lock.json"), "utf8"),
    ) as { name: string };
    const text = readFileSync(path.join(taskDir, "source", "package-lock.json"), "utf8");
    const changed = text.replace(`"name": "${lock.name}"`, `"name": "${lock.name}-x"`);
    mkdirSync(path.join(root, "lockdiff", "a"), { recursive: true });
    mkdirSync(path.join(root, "lockdiff", "b"), { recursive: true });
    writeFileSync(path.join(root, "lockdiff", "a", "package-lock.json"), text);
    writeFileSync(path.join(root, "lockdiff", "b", "package-lock.json"), changed);
    const diff = await execa(
      "git",
      [
        "diff",
        "--no-index",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        "a/package-lock.json",
        "b/package-lock.json",
      ],
      { cwd: path.join(root, "lockdiff"), reject: false },
    );
    const patch = `${diff.stdout.replaceAll("a/a/", "a/").replaceAll("b/b/", "b/")}\n${GOLD}`;
    const grade = await gradeIc(bankTask, options(patch));
    expect(grade.verdict).toBe("pass");
    expect(grade.environment!.reinstalled).toMatch(
      /the candidate changed package-lock\.json: installed again/,
    );
  });

  it("counts a patch into node_modules as tampering", async () => {
    const patch = [
      "diff --git a/node_modules/is-number/index.js b/node_modules/is-number/index.js",
      "new file mode 100644",
      "--- /dev/null",
      "+++ b/node_modules/is-number/index.js",
      "@@ -0,0 +1 @@",
      "+module.exports = () => false;",
      "",
    ].join("\n");
    const grade = await gradeIc(bankTask, options(patch));
    expect(grade).toMatchObject({ verdict: "fail", reason: "tamper" });
    expect(grade.detail).toContain(
      "node_modules/is-number/index.js is part of the installed environment",
    );
  });

  it("mounts the cached install (root): what a test writes into node_modules stays in its grading", async () => {
    const dir = path.join(bank, "num-writer");
    mkdirSync(dir);
    await execa("cp", ["-a", `${taskDir}/.`, dir]);
    // The test run first breaks is-number in place, then tests: the next grading must not see it.
    writeFileSync(
      path.join(dir, "task.yaml"),
      readFileSync(path.join(dir, "task.yaml"), "utf8")
        .replace("id: num-check", "id: num-writer")
        .replace(
          "command: node --test",
          "command: grep -q 'module.exports = function' node_modules/is-number/index.js && echo 'module.exports = () => false;' > node_modules/is-number/index.js && touch node_modules/.written && rm node_modules/is-number/package.json && node --test",
        ),
    );
    const task = await loadTask(dir);
    const first = await gradeIc(task, options(GOLD));
    expect(first).toMatchObject({ verdict: "fail", environment: { placed: "overlay" } });
    const cached = path.join(cacheDir, "envs", first.environment!.key, "outputs", "node_modules");
    expect(readFileSync(path.join(cached, "is-number", "index.js"), "utf8")).toContain(
      "module.exports = function",
    );
    expect(existsSync(path.join(cached, "is-number", "package.json"))).toBe(true);
    expect(existsSync(path.join(cached, ".written"))).toBe(false);
    // The same test again: it finds is-number intact (its grep passes) and breaks it again.
    expect(await gradeIc(task, options(GOLD))).toMatchObject({
      verdict: "fail",
      reason: "tests-failed",
      environment: { cache_hit: true },
    });
  });

  it("copies the install instead where overlays are off (LANCER_INSTALL_OVERLAY=off)", async () => {
    const result = await runLancer(
      [
        "grade",
        bank,
        "num-check",
        "--patch",
        path.join(taskDir, "gold.patch"),
        "--runs",
        "1",
        "--json",
      ],
      { env: { LANCER_CACHE_DIR: cacheDir, LANCER_INSTALL_OVERLAY: "off" } },
    );
    const grade = JSON.parse(result.stdout) as { verdict: string; environment: { placed: string } };
    expect(grade).toMatchObject({ verdict: "pass", environment: { placed: "copy" } });
  });

  it("counts a patch that renames a file into node_modules as tampering", async () => {
    const patch = [
      "diff --git a/lib/count.js b/node_modules/is-number/index.js",
      "similarity index 100%",
      "rename from lib/count.js",
      "rename to node_modules/is-number/index.js",
      "",
    ].join("\n");
    const grade = await gradeIc(bankTask, options(patch));
    expect(grade).toMatchObject({ verdict: "fail", reason: "tamper" });
    expect(grade.detail).toContain(
      "node_modules/is-number/index.js is part of the installed environment",
    );
  });

  it("makes a failed install an error with the log's tail, caches nothing, and builds afresh once fixed", async () => {
    const broken = path.join(bank, "num-broken");
    mkdirSync(broken);
    await execa("cp", ["-a", `${taskDir}/.`, broken]);
    const yaml = readFileSync(path.join(broken, "task.yaml"), "utf8")
      .replace("id: num-check", "id: num-broken")
      .replace(
        "npm ci --ignore-scripts",
        "npm ci --ignore-scripts && echo missing-tool-output >&2 && false",
      );
    writeFileSync(path.join(broken, "task.yaml"), yaml);
    const brokenTask = await loadTask(broken);
    const envsBefore = readdirSync(path.join(cacheDir, "envs"));
    const grade = await gradeIc(brokenTask, options(GOLD));
    expect(grade).toMatchObject({ verdict: "error", reason: "environment" });
    expect(grade.detail).toMatch(/^environment: install step "npm ci .*" exited 1; its log:/);
    expect(grade.detail).toContain("missing-tool-output");
    expect(readdirSync(path.join(cacheDir, "envs"))).toEqual(envsBefore);
    writeFileSync(
      path.join(broken, "task.yaml"),
      yaml.replace(" && echo missing-tool-output >&2 && false", " && true"),
    );
    const fixed = await gradeIc(await loadTask(broken), options(GOLD));
    expect(fixed).toMatchObject({ verdict: "pass", environment: { cache_hit: false } });
  });

  it("fails a candidate whose code does not build, and builds in every grading", async () => {
    const built = path.join(bank, "num-build");
    mkdirSync(built);
    await execa("cp", ["-a", `${taskDir}/.`, built]);
    writeFileSync(
      path.join(built, "task.yaml"),
      readFileSync(path.join(built, "task.yaml"), "utf8")
        .replace("id: num-check", "id: num-build")
        .replace(
          "timeout_seconds: 300",
          'timeout_seconds: 300\n  build: ["node --check lib/count.js"]',
        ),
    );
    const task = await loadTask(built);
    const broken = GOLD.replace(
      "+exports.isCount = (n) => isNumber(n) && n >= 0;",
      "+exports.isCount = (n) => {",
    );
    expect(await gradeIc(task, options(broken))).toMatchObject({
      verdict: "fail",
      reason: "build-failed",
    });
    const ok = await gradeIc(task, options(GOLD));
    expect(ok).toMatchObject({ verdict: "pass" });
    expect(ok.environment!.build_ms).toBeGreaterThan(0);
  });

  it("gives the environment's variables to install, build and tests", async () => {
    const dir = path.join(bank, "num-env");
    mkdirSync(dir);
    await execa("cp", ["-a", `${taskDir}/.`, dir]);
    writeFileSync(
      path.join(dir, "task.yaml"),
      readFileSync(path.join(dir, "task.yaml"), "utf8")
        .replace("id: num-check", "id: num-env")
        .replace(
          "timeout_seconds: 300",
          "timeout_seconds: 300\n  env: { COUNT_MODE: strict }\n  build: ['test \"$COUNT_MODE\" = strict']",
        )
        .replace("command: node --test", 'command: test "$COUNT_MODE" = strict && node --test'),
    );
    const grade = await gradeIc(await loadTask(dir), options(GOLD));
    expect(grade).toMatchObject({ verdict: "pass" });
    expect(grade.environment!.build_ms).toBeGreaterThan(0);
  });

  it("lists the cache with sizes and prunes environments (lancer cache)", async () => {
    const ls = await runLancer(["cache", "ls", "--cache-dir", cacheDir, "--json"]);
    const listing = JSON.parse(ls.stdout) as {
      total_bytes: number;
      entries: Array<{ kind: string; bytes: number }>;
    };
    const envs = listing.entries.filter((e) => e.kind === "environment");
    expect(envs.length).toBeGreaterThanOrEqual(2);
    expect(envs.every((e) => e.bytes > 1000)).toBe(true);
    const prune = await runLancer(["cache", "prune", "--cache-dir", cacheDir]);
    expect(prune.stdout).toMatch(/^removed \d+ entries, .* freed/);
    expect(
      existsSync(path.join(cacheDir, "envs")) ? readdirSync(path.join(cacheDir, "envs")) : [],
    ).toEqual([]);
    expect(existsSync(path.join(cacheDir, "sources"))).toBe(true);
  });
});
