import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scriptsRunBy } from "../../../src/core/grade/runner-config.ts";
import { runLancer } from "../../helpers/run-lancer.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * The candidate's runner configuration never runs (issues 13 and 16): a conftest.py that
 * reports every test as passed, and a package.json whose `test` script prints a fake TAP
 * success, are put back to the base's before every run. Graded through the real
 * `lancer grade`; tasks that protect neither file, as imported rows often do not.
 */
const root = tempDir("lancer-runner-config-");

interface Grade {
  verdict: string;
  reason: string;
  payout_cents: number | null;
  defences: { runner_config_reset: string[] };
}

function writeTask(id: string, files: Record<string, string>): string {
  const bank = path.join(root, id, "bank");
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(bank, id, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return bank;
}

/** A unified diff adding new files. */
function addFiles(files: Record<string, string>): string {
  return Object.entries(files)
    .map(([file, text]) => {
      const lines = text.split("\n").slice(0, -1);
      return [
        `diff --git a/${file} b/${file}`,
        "new file mode 100644",
        "--- /dev/null",
        `+++ b/${file}`,
        `@@ -0,0 +1,${lines.length} @@`,
        ...lines.map((l) => `+${l}`),
        "",
      ].join("\n");
    })
    .join("");
}

async function grade(bank: string, id: string, patch: string): Promise<Grade> {
  const file = path.join(bank, "..", `${Math.random().toString(16).slice(2)}.patch`);
  writeFileSync(file, patch);
  const result = await runLancer(["grade", bank, id, "--patch", file, "--runs", "1", "--json"], {
    env: { LANCER_CACHE_DIR: path.join(root, "cache") },
  });
  return JSON.parse(result.stdout) as Grade;
}

const PY_TASK = (canaries: boolean) => `id: py-double
kind: ic
title: double() adds one
body: double(2) should be 4.
price_cents: 5000
source: { dir: source }
hidden:
  test:
    command: python3 -B -m pytest -rA -p no:cacheprovider tests
    format: pytest
    canaries: ${canaries}
    fail_to_pass: [tests/test_double.py::test_double]
    timeout_seconds: 60
`;

const PY_FILES = {
  "source/double.py": "def double(x):\n    return x + 1\n",
  "source/tests/__init__.py": "",
  "hidden/tests/test_double.py":
    "from double import double\n\n\ndef test_double():\n    assert double(2) == 4\n",
};

/** A conftest.py that turns every test report into a pass. */
const PASSING_CONFTEST = `import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
`;

describe("the candidate's runner configuration", () => {
  it("a conftest.py that passes every test is removed before the run, and the grade says so", async () => {
    const bank = writeTask("py-double", { "task.yaml": PY_TASK(false), ...PY_FILES });
    const patch = addFiles({ "conftest.py": PASSING_CONFTEST });
    const forged = await grade(bank, "py-double", patch);
    expect(forged).toMatchObject({ verdict: "fail", reason: "tests-failed", payout_cents: 0 });
    expect(forged.defences.runner_config_reset).toEqual(["conftest.py"]);

    // The gold fix still passes, with nothing of its own to put back.
    const gold = await grade(
      bank,
      "py-double",
      "diff --git a/double.py b/double.py\n--- a/double.py\n+++ b/double.py\n@@ -1,2 +1,2 @@\n def double(x):\n-    return x + 1\n+    return x * 2\n",
    );
    expect(gold).toMatchObject({ verdict: "pass", payout_cents: 5000 });
    expect(gold.defences.runner_config_reset).toEqual([]);
  });

  it("a package.json test script that prints a fake TAP success is put back to the base's", async () => {
    const id = "js-double";
    const bank = writeTask(id, {
      "task.yaml": `id: ${id}
kind: ic
title: double adds one
body: double(2) should be 4.
price_cents: 5000
source: { dir: source }
hidden:
  test:
    command: npm test --silent
    format: tap
    fail_to_pass: [double]
    timeout_seconds: 60
`,
      "source/package.json": `${JSON.stringify(
        {
          name: "double",
          type: "module",
          scripts: { test: "node --test --test-reporter=tap test/double.test.js" },
        },
        null,
        2,
      )}\n`,
      "source/double.js": "export const double = (x) => x + 1;\n",
      "hidden/test/double.test.js":
        'import { test } from "node:test";\nimport assert from "node:assert/strict";\nimport { double } from "../double.js";\n\ntest("double", () => assert.equal(double(2), 4));\n',
    });
    const fake = {
      name: "double",
      type: "module",
      scripts: { test: "echo 'ok 1 - double'; echo 1..1" },
    };
    const patch = [
      "diff --git a/package.json b/package.json",
      "--- a/package.json",
      "+++ b/package.json",
      "@@ -3,5 +3,5 @@",
      '   "type": "module",',
      '   "scripts": {',
      '-    "test": "node --test --test-reporter=tap test/double.test.js"',
      `+    "test": ${JSON.stringify(fake.scripts.test)}`,
      "   }",
      " }",
      "",
    ].join("\n");
    const forged = await grade(bank, id, patch);
    expect(forged).toMatchObject({ verdict: "fail", reason: "tests-failed", payout_cents: 0 });
    expect(forged).toHaveProperty("applyMethod", "git-apply");
    expect(forged.defences.runner_config_reset).toEqual(["package.json scripts.test"]);
  });

  it("names the npm scripts a command runs, with their pre and post scripts", () => {
    expect(scriptsRunBy("npm test --silent && yarn run lint:js; npm ci")).toEqual([
      "pretest",
      "test",
      "posttest",
      "prelint:js",
      "lint:js",
      "postlint:js",
    ]);
  });
});
