import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { dockerRunArgs } from "../../src/core/environment/docker.ts";
import { gradeIc, type GradeIcOptions } from "../../src/core/grade/grade-ic.ts";
import { loadTask, type BankTask } from "../../src/core/task/bank.ts";
import { runLancer } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";

/**
 * Install, build and tests in a container, for real: Docker's daemon on this machine and an
 * image made from the machine's own tools with `docker import` (scripts/host-image.sh; no
 * registry is reachable here). `npm ci` installs from the npm registry inside the image; the
 * build and the tests run with no network. Needs a Docker daemon (scripts/setup.sh starts one).
 */
const SCRIPTS = path.resolve(import.meta.dirname, "../../scripts");
const root = tempDir("lancer-container-");
const bank = path.join(root, "bank");
const cacheDir = path.join(root, "cache");
const work = path.join(root, "work");
let image: string;
let probe: Server;
let probeUrl: string;

/** Requests the probe server saw, by path: who reached the network, and from which phase. */
const reached: string[] = [];

const COUNT_TEST = [
  'const test = require("node:test");',
  'const assert = require("node:assert");',
  'const { isCount } = require("../lib/count.js");',
  'test("counts > accepts 3", () => assert.equal(isCount(3), true));',
  'test("counts > refuses -1", () => assert.equal(isCount(-1), false));',
  "",
].join("\n");

const GOLD = [
  "diff --git a/lib/count.js b/lib/count.js",
  "--- a/lib/count.js",
  "+++ b/lib/count.js",
  "@@ -1,2 +1,2 @@",
  ' const isNumber = require("is-number");',
  "-exports.isCount = (n) => isNumber(n);",
  "+exports.isCount = (n) => isNumber(n) && n >= 0;",
  "",
].join("\n");

/** Fetches the probe from inside a command; prints yes or no. */
const FETCH = (phase: string) =>
  `node -e 'fetch(process.env.PROBE_URL + "/${phase}").then(() => console.log("yes"), () => console.log("no"))'`;

/** A task folder in the bank: source files, hidden tests, task.yaml fields over the defaults. */
async function writeTask(
  id: string,
  fields: Record<string, unknown>,
  options: { lockfile?: boolean } = {},
): Promise<BankTask> {
  const dir = path.join(bank, id);
  const source = path.join(dir, "source");
  mkdirSync(path.join(source, "lib"), { recursive: true });
  mkdirSync(path.join(dir, "hidden", "test"), { recursive: true });
  writeFileSync(
    path.join(source, "package.json"),
    JSON.stringify({ name: id, version: "1.0.0", dependencies: { "is-number": "7.0.0" } }),
  );
  writeFileSync(path.join(source, ".gitignore"), "node_modules/\n");
  writeFileSync(
    path.join(source, "lib", "count.js"),
    'const isNumber = require("is-number");\nexports.isCount = (n) => isNumber(n);\n',
  );
  if (options.lockfile !== false)
    await execa("npm", ["install", "--package-lock-only", "--ignore-scripts"], { cwd: source });
  writeFileSync(path.join(dir, "hidden", "test", "count.test.js"), COUNT_TEST);
  writeFileSync(path.join(dir, "gold.patch"), GOLD);
  const { environment, test, ...rest } = fields as {
    environment?: Record<string, unknown>;
    test?: Record<string, unknown>;
  };
  writeFileSync(
    path.join(dir, "task.yaml"),
    stringify({
      id,
      kind: "ic",
      title: "isCount accepts negative numbers",
      body: "isCount(-1) is true; counts are never negative.",
      price_cents: 10_000,
      source: { dir: "source" },
      environment: {
        install: ["npm ci --ignore-scripts"],
        image,
        timeout_seconds: 300,
        ...environment,
      },
      hidden: {
        test: {
          command: "node --test --test-reporter=tap test/count.test.js",
          format: "tap",
          fail_to_pass: ["counts > refuses -1"],
          pass_to_pass: ["counts > accepts 3"],
          timeout_seconds: 60,
          ...test,
        },
        protected: ["test/**"],
      },
      ...rest,
    }),
  );
  return loadTask(dir);
}

const options = (patch: string, extra: Partial<GradeIcOptions> = {}): GradeIcOptions => ({
  patch,
  runs: 1,
  cacheDir,
  workRoot: work,
  ...extra,
});

/** Containers Lancer started that still exist. */
async function leftoverContainers(): Promise<string[]> {
  const { stdout } = await execa("docker", [
    "ps",
    "--all",
    "--quiet",
    "--filter",
    "label=lancer=grading",
  ]);
  return stdout.split("\n").filter(Boolean);
}

beforeAll(async () => {
  const daemon = await execa("docker", ["version", "--format", "{{.Server.Version}}"], {
    reject: false,
  });
  if (daemon.exitCode !== 0)
    throw new Error(
      `these tests need a Docker daemon (run scripts/setup.sh to install and start one): ${daemon.stderr}`,
    );
  image = (await execa("bash", [path.join(SCRIPTS, "host-image.sh")])).stdout.trim();
  mkdirSync(work, { recursive: true });
  probe = createServer((request, response) => {
    reached.push(request.url ?? "");
    response.end("ok");
  });
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  probeUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
}, 300_000);

afterAll(() => new Promise<void>((resolve) => probe.close(() => resolve())));

describe("grading in a container", () => {
  it("installs from the registry in the image, and the gold fix passes there while the base fails", async () => {
    const task = await writeTask("count-in-image", {});
    const gold = await gradeIc(task, options(GOLD));
    expect(gold).toMatchObject({
      verdict: "pass",
      isolation: `container ${image}`,
      environment: { cache_hit: false },
    });
    const base = await gradeIc(task, options(""));
    expect(base).toMatchObject({
      verdict: "fail",
      reason: "tests-failed",
      environment: { cache_hit: true, key: gold.environment!.key },
    });
    const record = JSON.parse(
      readFileSync(path.join(cacheDir, "envs", gold.environment!.key, "env.json"), "utf8"),
    ) as { image: string; outputs: string[] };
    expect(record).toMatchObject({ image, outputs: ["node_modules"] });
    expect(await leftoverContainers()).toEqual([]);
  }, 300_000);

  it("gives the install the network and takes it from the build and the tests", async () => {
    const netTest = [
      'const test = require("node:test");',
      'const assert = require("node:assert");',
      'test("net > reaches the probe", async () => { await fetch(process.env.PROBE_URL + "/test"); });',
      'test("net > runs", () => assert.ok(true));',
      "",
    ].join("\n");
    const task = await writeTask("net-probe", {
      environment: {
        install: [`${FETCH("install")} > install-reached.txt`],
        build: [`${FETCH("build")} > build-reached.txt`],
        env: { PROBE_URL: probeUrl },
      },
      test: {
        command: "node --test --test-reporter=tap test/net.test.js",
        fail_to_pass: ["net > reaches the probe"],
        pass_to_pass: ["net > runs"],
      },
    });
    writeFileSync(path.join(task.dir, "hidden", "test", "net.test.js"), netTest);
    reached.length = 0;
    const inContainer = await gradeIc(task, options(GOLD, { keepWorkspace: true }));
    expect(inContainer).toMatchObject({ verdict: "fail", reason: "tests-failed" });
    expect(reached).toEqual(["/install"]);
    const ws = inContainer.workspace!;
    expect(readFileSync(path.join(ws, "install-reached.txt"), "utf8").trim()).toBe("yes");
    expect(readFileSync(path.join(ws, "build-reached.txt"), "utf8").trim()).toBe("no");

    // The same task on the host: every phase reaches it, so the test passes.
    reached.length = 0;
    const onHost = await gradeIc(task, options(GOLD, { isolation: { mode: "host" } }));
    expect(onHost).toMatchObject({ verdict: "pass" });
    expect(onHost.isolation).toBeUndefined();
    expect(reached).toEqual(["/install", "/build", "/test"]);
  }, 300_000);

  it("calls a build or test step that needs the network an environment error, never a fail", async () => {
    const building = await writeTask("net-build", {
      environment: { build: ["npm view is-number version --fetch-retries=0"] },
    });
    const built = await gradeIc(building, options(GOLD));
    expect(built).toMatchObject({ verdict: "error", reason: "environment" });
    expect(built.detail).toMatch(
      /^environment: the build step needed the network, which builds run without \(--network none\); download in environment.install instead \(.*(EAI_AGAIN|ENOTFOUND|ENETUNREACH)/,
    );
    const testing = await writeTask("net-test", {
      test: {
        command:
          "npm view is-number version --fetch-retries=0 && node --test --test-reporter=tap test/count.test.js",
      },
    });
    const tested = await gradeIc(testing, options(GOLD));
    expect(tested).toMatchObject({ verdict: "error", reason: "environment" });
    expect(tested.detail).toMatch(
      /^environment: the test step needed the network, which tests run without/,
    );
  }, 300_000);

  it("removes the container of a test run that times out", async () => {
    const task = await writeTask("sleeper", {
      test: { command: "sleep 600", timeout_seconds: 3 },
    });
    const grade = await gradeIc(task, options(GOLD));
    expect(grade.runs[0]).toMatchObject({ reason: "timeout" });
    expect(await leftoverContainers()).toEqual([]);
  }, 120_000);

  it("calls a missing lockfile an environment error naming the image and step, and caches nothing", async () => {
    const task = await writeTask("no-lockfile", {}, { lockfile: false });
    const before = readdirSync(path.join(cacheDir, "envs"));
    const grade = await gradeIc(task, options(GOLD));
    expect(grade).toMatchObject({ verdict: "error", reason: "environment" });
    expect(grade.detail).toContain(`install step "npm ci --ignore-scripts" in ${image} exited`);
    expect(grade.detail).toMatch(/package-lock/);
    expect(readdirSync(path.join(cacheDir, "envs"))).toEqual(before);
  }, 120_000);
});

describe("lancer grade with containers", () => {
  const grade = (args: string[], env: Record<string, string> = {}) =>
    runLancer(
      [
        "grade",
        bank,
        "count-in-image",
        "--patch",
        path.join(bank, "count-in-image", "gold.patch"),
        "--cache-dir",
        cacheDir,
        "--json",
        ...args,
      ],
      { env },
    );

  it("says no Docker daemon answers, and pays nothing", async () => {
    const result = await grade([], { DOCKER_HOST: `unix://${path.join(root, "no-docker.sock")}` });
    expect(result.exitCode).toBe(2);
    const doc = JSON.parse(result.stdout) as { verdict: string; detail: string };
    expect(doc.verdict).toBe("error");
    expect(doc.detail).toContain(`image ${image} needs a Docker daemon, and none answers`);
  });

  it("names an image that is neither here nor pullable", async () => {
    const result = await grade(["--isolation", "container", "--image", "localhost:1/none:1"]);
    // The task's own image wins over --image; a task without one uses --image.
    expect(result.exitCode).toBe(0);
    const task = await writeTask("no-image", { environment: { image: undefined } });
    const missing = await runLancer([
      "grade",
      bank,
      task.task.id,
      "--patch",
      path.join(task.dir, "gold.patch"),
      "--cache-dir",
      cacheDir,
      "--json",
      "--image",
      "localhost:1/none:1",
    ]);
    expect(missing.exitCode).toBe(2);
    expect((JSON.parse(missing.stdout) as { detail: string }).detail).toContain(
      "image localhost:1/none:1 is not on this machine and cannot be pulled",
    );
    const noImage = await runLancer([
      "grade",
      bank,
      task.task.id,
      "--patch",
      path.join(task.dir, "gold.patch"),
      "--cache-dir",
      cacheDir,
      "--json",
      "--isolation",
      "container",
    ]);
    expect(noImage.exitCode).toBe(2);
    expect((JSON.parse(noImage.stdout) as { detail: string }).detail).toContain(
      "--isolation container needs an image",
    );
  }, 120_000);

  it("refuses an --image that docker would read as an option", async () => {
    const result = await grade(["--image", "--privileged"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("--image");
  });
});

describe("docker run arguments", () => {
  it("cut the network, drop capabilities and pass variables by name only", () => {
    const args = dockerRunArgs({
      image: "img:1",
      command: "npm test",
      cwd: "/w/ws",
      env: { HOME: "/w/home", SECRET_LOOKING: "value", PATH: "/host/bin" },
      mounts: ["/w/ws", "/w/home"],
      network: "none",
      readOnlyRoot: true,
      name: "lancer-x",
      user: "1000:1000",
    });
    expect(args).toEqual([
      "run",
      "--rm",
      "--name",
      "lancer-x",
      "--label",
      "lancer=grading",
      "--init",
      "--entrypoint",
      "bash",
      "--user",
      "1000:1000",
      "--cap-drop",
      "ALL",
      "--security-opt",
      "no-new-privileges",
      "--pids-limit",
      "4096",
      "--network",
      "none",
      "--sysctl",
      "net.ipv6.conf.lo.disable_ipv6=0",
      "--read-only",
      "--tmpfs",
      "/tmp:rw,exec,size=1g",
      "--mount",
      "type=bind,source=/w/ws,target=/w/ws",
      "--mount",
      "type=bind,source=/w/home,target=/w/home",
      "-e",
      "HOME",
      "-e",
      "SECRET_LOOKING",
      "--workdir",
      "/w/ws",
      "img:1",
      "-c",
      "npm test",
    ]);
  });

  it("refuses a folder docker's --mount would misread", () => {
    expect(() =>
      dockerRunArgs({
        image: "img:1",
        command: "true",
        cwd: "/w",
        env: {},
        mounts: ["/w/a,readonly=false"],
        network: "none",
        readOnlyRoot: true,
        name: "lancer-y",
        user: "0:0",
      }),
    ).toThrow(/cannot be given to docker/);
  });
});
