import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installFakeDocker, type FakeDockerScenario } from "../helpers/fake-docker.ts";
import { runLancer } from "../helpers/run-lancer.ts";
import { writeIssue } from "../helpers/swe-lancer-checkout.ts";
import { liteCsv } from "../helpers/swe-lancer-rows.ts";
import { tempDir } from "../helpers/temp-dir.ts";

/**
 * `lancer grade` and `lancer validate` of a SWE-Lancer IC task run the swe-lancer profile with
 * the docker client on PATH (here a stand-in that answers as the official image would), and
 * say what is missing when there is no docker client or no daemon.
 */
const FIX = `diff --git a/src/libs/Hello.js b/src/libs/Hello.js
--- a/src/libs/Hello.js
+++ b/src/libs/Hello.js
@@ -1,3 +1,3 @@
 export function hello(name) {
-    return \`Hello, \${name}\`;
+    return \`Hello, \${name}!\`;
 }
`;

let root: string;
let bank: string;
let fake: ReturnType<typeof installFakeDocker>;
let patchFile: string;

beforeAll(async () => {
  root = tempDir();
  const checkout = path.join(root, "checkout");
  writeIssue(checkout, "100_1", "complete", "0123456789abcdef0123456789abcdef01234567");
  const csv = path.join(root, "tasks.csv");
  writeFileSync(csv, liteCsv());
  bank = path.join(root, "bank");
  const imported = await runLancer(["import", csv, "--out", bank, "--benchmark-dir", checkout]);
  expect(imported.exitCode, imported.stderr).toBe(0);
  fake = installFakeDocker(path.join(root, "bin"), { exitCodes: ["0"] });
  patchFile = path.join(root, "fix.patch");
  writeFileSync(patchFile, FIX);
  mkdirSync(path.join(root, "work"));
}, 60_000);

function lancer(args: string[], pathValue = `${fake.dir}${path.delimiter}${process.env.PATH}`) {
  return runLancer([...args, "--work-dir", path.join(root, "work")], {
    env: { PATH: pathValue, LANCER_CACHE_DIR: path.join(root, "cache") },
  });
}

async function grade(scenario: FakeDockerScenario) {
  fake.reset(scenario);
  return lancer(["grade", bank, "100_1", "--patch", patchFile]);
}

describe("lancer grade and validate of a SWE-Lancer IC task", () => {
  it("exits 0, 1 and 2 for pass, fail and error, from pytest_exit_code", async () => {
    const pass = await grade({ exitCodes: ["2", "0"] });
    expect(pass.exitCode, pass.stderr).toBe(0);
    expect(pass.stdout).toContain("pass");
    expect(pass.stdout).toContain("$1,000");
    const fail = await grade({ exitCodes: ["1", "1", "1"] });
    expect(fail.exitCode, fail.stdout).toBe(1);
    const error = await grade({ exitCodes: ["2", "missing", "1"] });
    expect(error.exitCode, error.stdout).toBe(2);
    expect(error.stdout).toContain("error (harness-error): pytest exited 2");
    expect(error.stdout).toContain("run 2: error (no-evidence)");
    expect(error.stdout).toContain("payout: none (grading error)");
  }, 60_000);

  it("validates the task: the reversed bug patch passes, the base fails, every run", async () => {
    fake.reset({ exitCodes: ["0", "0", "0"], baseExitCodes: ["1", "1", "1"] });
    const ok = await lancer(["validate", bank, "--runs", "3"]);
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^ok\s+100_1 gold 3\/3 pass, base 3\/3 fail$/m);
    fake.reset({ exitCodes: ["0", "1", "0"], baseExitCodes: ["1", "1", "1"] });
    const flaky = await lancer(["validate", bank, "--runs", "3"]);
    expect(flaky.exitCode).toBe(1);
    expect(flaky.stdout).toMatch(/^flaky\s+100_1/m);
  }, 60_000);

  it("says that a Docker daemon is missing, or the docker client", async () => {
    fake.reset({ exitCodes: ["0"], noDaemon: true });
    const noDaemon = await lancer(["grade", bank, "100_1", "--patch", patchFile]);
    expect(noDaemon.exitCode).toBe(2);
    expect(noDaemon.stdout).toContain("needs a Docker daemon, and none answers");
    const noClient = await lancer(
      ["grade", bank, "100_1", "--patch", patchFile],
      path.join(root, "no-such-bin"),
    );
    expect(noClient.exitCode).toBe(2);
    expect(noClient.stdout).toContain("the docker client cannot be started");
  }, 60_000);
});
