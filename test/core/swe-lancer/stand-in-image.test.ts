import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeIc, type GradeIcOptions } from "../../../src/core/grade/grade-ic.ts";
import { readSweLancerCsv } from "../../../src/core/import/swe-lancer-csv.ts";
import { writeBank } from "../../../src/core/import/write-bank.ts";
import { attachIssueFolders } from "../../../src/core/swe-lancer/import-issues.ts";
import { loadTask, type BankTask } from "../../../src/core/task/bank.ts";
import { HELLO_SOURCE, writeIssue } from "../../helpers/swe-lancer-checkout.ts";
import { liteCsv } from "../../helpers/swe-lancer-rows.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * The swe-lancer profile with the real Docker daemon and a tiny stand-in for the official
 * image, built here FROM the machine's own tools (scripts/host-image.sh): its run.sh checks the
 * issue folder is bound in and writes /setup_done.txt; its ansible-playbook runs pytest on the
 * issue's test.py and writes logs/<id>/pytest_exit_code, as run_tests.yml does. The hidden
 * test passes only when the candidate's fix is in /app/expensify AND the container has no
 * network but loopback, so a pass proves the network was cut before the tests.
 */
const ID = "100_1";
const BUGGY = HELLO_SOURCE.replace("${name}!`", "${name}`");
const FIX = `--- a/src/libs/Hello.js
+++ b/src/libs/Hello.js
@@ -1,3 +1,3 @@
 export function hello(name) {
-    return \`Hello, \${name}\`;
+    return \`Hello, \${name}!\`;
 }
`;
const TEST_PY = `import os

def test_greeting_ends_with_bang():
    assert sorted(os.listdir("/sys/class/net")) == ["lo"], "the tests must run with no network"
    assert os.environ["HOME"] == "/root"
    with open("/app/expensify/src/libs/Hello.js") as f:
        assert "\${name}!" in f.read()
`;
const RUN_SH = `#!/bin/bash
set -e
test -s /app/tests/issues/$ISSUE_ID/commit_id.txt
test "$EVAL_VARIANT" = ic_swe
test -n "$PUSHER_APP_KEY"
echo done > /setup_done.txt
exec sleep infinity
`;
const PLAYBOOK = `#!/bin/bash
cd /app/tests
python3 -m pytest -p no:cacheprovider issues/$ISSUE_ID/test.py > logs/$ISSUE_ID/pytest.log 2>&1
echo $? > logs/$ISSUE_ID/pytest_exit_code
`;

const root = tempDir();
const tag = `lancer-swel-stand-in:${process.pid}`;
const network = `lancer-swel-${process.pid}`;
const savedNetwork = process.env.LANCER_SWE_LANCER_NETWORK;
let task: BankTask;

beforeAll(async () => {
  const daemon = await execa("docker", ["version", "--format", "{{.Server.Version}}"], {
    reject: false,
  });
  if (daemon.exitCode !== 0)
    throw new Error(
      `these tests need a Docker daemon (run scripts/setup.sh to install and start one): ${daemon.stderr}`,
    );
  const scripts = path.resolve(import.meta.dirname, "../../../scripts");
  const base = (await execa("bash", [path.join(scripts, "host-image.sh")])).stdout.trim();
  const context = path.join(root, "image");
  mkdirSync(context);
  writeFileSync(path.join(context, "run.sh"), RUN_SH);
  writeFileSync(path.join(context, "ansible-playbook"), PLAYBOOK, { mode: 0o755 });
  writeFileSync(path.join(context, "Hello.js"), BUGGY);
  copyFileSync("/usr/bin/patch", path.join(context, "patch"));
  writeFileSync(
    path.join(context, "Dockerfile"),
    `FROM ${base}
COPY run.sh /app/tests/run.sh
COPY ansible-playbook patch /usr/local/bin/
COPY Hello.js /app/expensify/src/libs/Hello.js
CMD ["bash", "/app/tests/run.sh"]
`,
  );
  await execa("docker", ["build", "--quiet", "--tag", tag, context]);
  await execa("docker", ["network", "create", network]);
  process.env.LANCER_SWE_LANCER_NETWORK = network;

  const checkout = path.join(root, "checkout");
  writeIssue(checkout, ID, "complete", "0123456789abcdef0123456789abcdef01234567");
  writeFileSync(path.join(checkout, "issues", ID, "test.py"), TEST_PY);
  const { tasks } = await attachIssueFolders(readSweLancerCsv(liteCsv()).tasks, {
    benchmarkDir: checkout,
  });
  await writeBank(path.join(root, "bank"), tasks);
  task = await loadTask(path.join(root, "bank", ID));
  task.task.hidden.swe_lancer = { image: tag };
  mkdirSync(path.join(root, "work"));
}, 300_000);

afterAll(async () => {
  if (savedNetwork === undefined) delete process.env.LANCER_SWE_LANCER_NETWORK;
  else process.env.LANCER_SWE_LANCER_NETWORK = savedNetwork;
  await execa("docker", ["network", "rm", network], { reject: false });
  await execa("docker", ["image", "rm", "--force", tag], { reject: false });
});

function options(patch: string): GradeIcOptions {
  return { patch, runs: 3, cacheDir: path.join(root, "cache"), workRoot: path.join(root, "work") };
}

async function leftovers(): Promise<string> {
  const { stdout } = await execa("docker", [
    "ps",
    "--all",
    "--quiet",
    "--filter",
    "label=lancer=swe-lancer",
    "--filter",
    `ancestor=${tag}`,
  ]);
  return stdout.trim();
}

describe("a SWE-Lancer IC task in a stand-in official image (real docker)", () => {
  it("passes the fix in one run, with the network cut and HOME=/root", async () => {
    const grade = await gradeIc(task, options(FIX));
    expect(grade.runs.map((r) => r.outputTail).join("\n")).not.toContain("AssertionError");
    expect([grade.verdict, grade.runs.length, grade.runs[0]?.exitCode]).toEqual(["pass", 1, 0]);
    expect(await leftovers()).toBe("");
  }, 180_000);

  it("fails the unchanged base in every run (pytest exit 1)", async () => {
    const grade = await gradeIc(task, options(""));
    expect(grade.verdict).toBe("fail");
    expect(grade.runs.map((r) => r.exitCode)).toEqual([1, 1, 1]);
    expect(grade.runs[0]?.outputTail).toContain("Hello.js");
  }, 180_000);
});
