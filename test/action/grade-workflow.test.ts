import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git } from "../../src/core/git/git.ts";
import { actionsSettled, createActionsRepo, jobLog, latestJobs } from "../helpers/actions-repo.ts";
import {
  dispatchAndSettle,
  filesOf,
  FIXTURE_TASKS,
  lancerChecks,
  PROJECT_ROOT,
  pushBank,
  pushMirror,
  startLancerSandbox,
  type Mirror,
} from "../helpers/lancer-action.ts";
import type { SandboxFixture } from "../helpers/sandbox-fixture.ts";

const TASK = "js-slugify-accents";
const TASK_DIR = path.join(FIXTURE_TASKS, TASK);
const PY_TASK = "py-dotenv-inline-comments";
const PY_TASK_DIR = path.join(FIXTURE_TASKS, PY_TASK);
const PRICE = 25000;

/**
 * A task whose hidden test looks, from inside the graded test process, at the environment
 * of every process up to the Action's own, and fails on anything that looks like a
 * credential (by name or by GitHub's token formats, or a PEM key).
 */
const PROBE_TEST = `import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fixed } from "../src/flag.js";

test("flag is fixed", () => assert.equal(fixed, true));

test("no credential in the environment of any process up to the Action", () => {
  const found = [];
  let pid = process.pid;
  let reachedAction = false;
  while (pid > 1) {
    const env = readFileSync("/proc/" + pid + "/environ", "utf8").split("\\0");
    for (const entry of env) {
      const at = entry.indexOf("=");
      const name = entry.slice(0, at);
      const value = entry.slice(at + 1);
      if (!value) continue;
      if (/TOKEN|PRIVATE[-_]KEY|SECRET|PASSWORD/i.test(name) ||
          /gh[pousr]_[A-Za-z0-9]{20,}|BEGIN [A-Z ]*PRIVATE KEY/.test(value)) found.push(pid + ":" + name);
    }
    if (env.some((e) => e.startsWith("GITHUB_ACTION_REPOSITORY="))) { reachedAction = true; break; }
    pid = Number(/PPid:\\s*(\\d+)/.exec(readFileSync("/proc/" + pid + "/status", "utf8"))[1]);
  }
  assert.ok(reachedAction, "the Action's process is among the ancestors");
  assert.deepEqual(found, []);
});
`;

const PROBE_TASK = {
  "task.yaml": `id: probe-no-token
kind: ic
title: Set the flag
body: Make \`fixed\` true.
price_cents: 100
source:
  dir: source
hidden:
  test:
    command: node --test --test-reporter=tap test/probe.test.js
    format: tap
    fail_to_pass: [flag is fixed]
    pass_to_pass: [no credential in the environment of any process up to the Action]
    timeout_seconds: 60
  protected: ["test/**"]
`,
  "source/package.json": '{ "type": "module" }\n',
  "source/src/flag.js": "export const fixed = false;\n",
  "hidden/test/probe.test.js": PROBE_TEST,
};

/** The grader template as shipped, pointed at this sandbox's bank repository. */
function graderWorkflow(org: string): string {
  return readFileSync(path.join(PROJECT_ROOT, "templates/grader.yml"), "utf8").replaceAll(
    "your-org/lancer-bank",
    `${org}/bank`,
  );
}

/** One step doing all three phases, then printing the Action's outputs to the log. */
const ALL_IN_ONE = `on:
  workflow_dispatch:
    inputs:
      repository: { required: true }
      sha: { required: true }
      task: { required: true }
      bank: { required: true }
permissions: {}
jobs:
  grade:
    runs-on: ubuntu-latest
    steps:
      - id: mirror-token
        uses: lancer/lancer@v1
        with:
          mode: token
          app-id: \${{ secrets.LANCER_APP_ID }}
          private-key: \${{ secrets.LANCER_APP_PRIVATE_KEY }}
          repository: \${{ inputs.repository }}
      - uses: actions/checkout@v4
        with:
          repository: \${{ inputs.repository }}
          ref: \${{ inputs.sha }}
          token: \${{ steps.mirror-token.outputs.token }}
          persist-credentials: false
          path: candidate
      - id: lancer
        uses: lancer/lancer@v1
        with:
          phase: all
          task: \${{ inputs.task }}
          bank: \${{ inputs.bank }}
          bank-token: \${{ secrets.LANCER_BANK_TOKEN }}
          path: candidate
          repository: \${{ inputs.repository }}
          sha: \${{ inputs.sha }}
          app-id: \${{ secrets.LANCER_APP_ID }}
          private-key: \${{ secrets.LANCER_APP_PRIVATE_KEY }}
      - if: \${{ always() }}
        env:
          VERDICT: \${{ steps.lancer.outputs.verdict }}
          PAYOUT_CENTS: \${{ steps.lancer.outputs.payout-cents }}
          PAYOUT: \${{ steps.lancer.outputs.payout }}
        run: echo "outputs verdict=$VERDICT payout-cents=[$PAYOUT_CENTS] payout=[$PAYOUT]"
`;

describe("the Lancer Action grades pull requests in workflows", () => {
  let fx: SandboxFixture;
  let org: string;
  let slugify: Mirror;
  let probe: Mirror;
  let dotenv: Mirror;

  beforeAll(async () => {
    fx = await startLancerSandbox();
    org = fx.running.org;
    await pushBank(fx, "bank", {
      [TASK]: filesOf(TASK_DIR),
      [PY_TASK]: filesOf(PY_TASK_DIR),
      "probe-no-token": PROBE_TASK,
    });
    slugify = await pushMirror(fx, TASK, filesOf(path.join(TASK_DIR, "source")));
    dotenv = await pushMirror(fx, PY_TASK, filesOf(path.join(PY_TASK_DIR, "source")));
    probe = await pushMirror(fx, "probe-no-token", {
      "package.json": PROBE_TASK["source/package.json"],
      "src/flag.js": PROBE_TASK["source/src/flag.js"],
    });
    const grader = await createActionsRepo(fx, "grader");
    await grader.commit({
      ".github/workflows/grade.yml": graderWorkflow(org),
      ".github/workflows/all-in-one.yml": ALL_IN_ONE,
    });
    await grader.push("main");
  });

  async function gradeWithTemplate(mirror: Mirror, task: string, sha: string, pr: number) {
    await dispatchAndSettle(fx, "grader", "grade.yml", {
      repository: `${org}/${mirror.name}`,
      pr: String(pr),
      sha,
      task,
      attempt: "1",
    });
    return latestJobs(fx, "grader", "grade.yml");
  }

  it("pays the task's price to a pull request carrying the gold fix", async () => {
    const sha = await slugify.branch("gold", {
      patch: readFileSync(path.join(TASK_DIR, "gold.patch"), "utf8"),
    });
    const pr = await slugify.pull("gold");
    const { run, jobs } = await gradeWithTemplate(slugify, TASK, sha, pr);
    expect(run.conclusion).toBe("success");
    expect(jobs.grade?.conclusion).toBe("success");
    const [check, ...others] = await lancerChecks(fx, TASK, sha);
    expect(others).toEqual([]);
    expect(check?.conclusion).toBe("success");
    expect(check?.output.title).toBe("pass: $250 earned");
    expect(check?.output.summary).toContain("**Verdict: pass**");
    expect(check?.output.text).toContain("slugify > transliterates accented Latin letters");
    expect(check?.app?.id).toBe(fx.running.app.id);
  });

  it("fails the base tree with $0", async () => {
    const { run } = await gradeWithTemplate(slugify, TASK, slugify.mainSha, 1);
    expect(run.conclusion).toBe("success");
    const [check] = await lancerChecks(fx, TASK, slugify.mainSha);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.title).toBe("fail (tests-failed): $0 of $250");
  });

  it("fails a pull request that edits the hidden tests' paths as tampering", async () => {
    const sha = await slugify.branch("tamper", {
      files: {
        "test/slugify.test.js": "// all good\n",
        "src/slugify.js": "export const slugify = (s) => s;\n",
      },
    });
    const pr = await slugify.pull("tamper");
    await gradeWithTemplate(slugify, TASK, sha, pr);
    const [check] = await lancerChecks(fx, TASK, sha);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.title).toBe("fail (tamper): $0 of $250");
    expect(check?.output.summary).toContain("test/slugify.test.js");
  });

  it("fails a candidate whose code rewrites the hidden tests for the next run (tamper)", async () => {
    const charmap = readFileSync(path.join(TASK_DIR, "source", "src", "charmap.js"), "utf8");
    const rewriter = [
      'import { readFileSync as read, writeFileSync as write } from "node:fs";',
      'const file = "test/slugify.test.js";',
      'write(file, read(file, "utf8").replace(/assert\\.\\w+\\(/g, "void ("));',
      "",
    ].join("\n");
    const sha = await slugify.branch("rewrite-tests", {
      files: { "src/charmap.js": `${charmap}${rewriter}` },
    });
    const pr = await slugify.pull("rewrite-tests");
    await gradeWithTemplate(slugify, TASK, sha, pr);
    const [check] = await lancerChecks(fx, TASK, sha);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.title).toBe("fail (tamper): $0 of $250");
    expect(check?.output.summary).toContain("tampered with hidden tests: test/slugify.test.js");
  });

  it("fails a candidate whose module turns node:assert into no-ops (results forged)", async () => {
    const charmap = readFileSync(path.join(TASK_DIR, "source", "src", "charmap.js"), "utf8");
    const disable = [
      'import { createRequire as attackRequire, syncBuiltinESMExports } from "node:module";',
      "const attack = attackRequire(import.meta.url);",
      'for (const id of ["node:assert", "node:assert/strict"]) {',
      "  const mod = attack(id);",
      '  for (const key of Object.keys(mod)) if (typeof mod[key] === "function") mod[key] = () => {};',
      "}",
      "syncBuiltinESMExports();",
      "",
    ].join("\n");
    const sha = await slugify.branch("no-assert", {
      files: { "src/charmap.js": `${charmap}${disable}` },
    });
    const pr = await slugify.pull("no-assert");
    await gradeWithTemplate(slugify, TASK, sha, pr);
    const [check] = await lancerChecks(fx, TASK, sha);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.title).toBe("fail (results-forged): $0 of $250");
    expect(check?.output.summary).toMatch(
      /results forged: canary test_\w+ \(must fail\) was reported passed/,
    );
    expect(check?.output.summary).toMatch(
      /Defences: canaries \d+\/12 confirmed; hidden-file hashes unchanged/,
    );
  });

  it("fails a candidate that prints pytest PASSED lines and exits before pytest reports (results forged)", async () => {
    const init = readFileSync(path.join(PY_TASK_DIR, "source", "envfile", "__init__.py"), "utf8");
    const forge = [
      "import glob as _g, os as _os, re as _re, stat as _st",
      "_lines = []",
      'for _f in sorted(_g.glob("tests/**/test_*.py", recursive=True)):',
      '    for _n in _re.findall(r"^def (test_\\w+)", open(_f).read(), _re.M):',
      '        _lines.append("PASSED %s::%s\\n" % (_f, _n))',
      "for _fd in range(1, 64):",
      "    try:",
      "        _m = _os.fstat(_fd).st_mode",
      "        if _st.S_ISFIFO(_m) or _st.S_ISSOCK(_m):",
      '            _os.write(_fd, "".join(_lines).encode())',
      "    except OSError:",
      "        pass",
      "_os._exit(0)",
      "",
    ].join("\n");
    const sha = await dotenv.branch("print-passed", {
      files: { "envfile/__init__.py": `${init}${forge}` },
    });
    const pr = await dotenv.pull("print-passed");
    await gradeWithTemplate(dotenv, PY_TASK, sha, pr);
    const [check] = await lancerChecks(fx, PY_TASK, sha);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.title).toBe("fail (results-forged): $0 of $275");
    expect(check?.output.summary).toMatch(
      /results forged: the test command exited 0 although canary test_\w+ must fail/,
    );
    expect(check?.output.summary).toContain("results from pytest's JUnit reporter");
  });

  it("leaves no credential in the run phase's processes (the graded test looks)", async () => {
    const sha = await probe.branch("fix", {
      files: { "src/flag.js": "export const fixed = true;\n" },
    });
    const pr = await probe.pull("fix");
    await gradeWithTemplate(probe, "probe-no-token", sha, pr);
    const [check] = await lancerChecks(fx, "probe-no-token", sha);
    expect(check?.output.text).toContain("no credential in the environment");
    expect(check?.conclusion).toBe("success");
  });

  it("reports a task the bank lacks as a grading error through the template's two jobs", async () => {
    const { run, jobs } = await gradeWithTemplate(slugify, "no-such-task", slugify.mainSha, 1);
    expect(run.conclusion).toBe("failure");
    expect(jobs.grade?.conclusion).toBe("failure");
    expect(jobs.report?.conclusion).toBe("failure");
    const checks = await lancerChecks(fx, TASK, slugify.mainSha);
    const errored = checks.find((c) => c.external_id === "lancer:no-such-task:1");
    expect(errored?.conclusion).toBe("neutral");
    expect(errored?.output.summary).toContain('task "no-such-task" is not in the bank');
  });

  it("the same probe catches the key when one step does every phase (phase: all)", async () => {
    const sha = await probe.branch("fix-all", {
      files: { "src/flag.js": "export const fixed = true;\n" },
    });
    await dispatchAndSettle(fx, "grader", "all-in-one.yml", {
      repository: `${org}/probe-no-token`,
      sha,
      task: "probe-no-token",
      bank: `${org}/bank`,
    });
    const [check] = await lancerChecks(fx, "probe-no-token", sha);
    expect(check?.conclusion).toBe("failure");
    expect(check?.output.title).toBe("fail (tests-failed): $0 of $1");
  });

  it("sets the payout outputs from the bank's price in one all-phases step", async () => {
    const sha = await slugify.branch("gold-all", {
      patch: readFileSync(path.join(TASK_DIR, "gold.patch"), "utf8"),
    });
    await dispatchAndSettle(fx, "grader", "all-in-one.yml", {
      repository: `${org}/${TASK}`,
      sha,
      task: TASK,
      bank: `${org}/bank`,
    });
    const { jobs } = await latestJobs(fx, "grader", "all-in-one.yml");
    const log = await jobLog(fx, "grader", jobs.grade!.id);
    expect(log).toContain(`outputs verdict=pass payout-cents=[${PRICE}] payout=[$250]`);
  });

  it("grades with the standalone pull_request_target template and comments the payout", async () => {
    const template = readFileSync(path.join(PROJECT_ROOT, "templates/pull-request.yml"), "utf8");
    const repo = await pushMirror(fx, "standalone", {
      ...filesOf(path.join(TASK_DIR, "source")),
      ".github/workflows/lancer.yml": template.replaceAll("your-org/lancer-bank", `${org}/bank`),
    });
    const gold = readFileSync(path.join(TASK_DIR, "gold.patch"), "utf8");
    const sha = await repo.branch("fix", { patch: gold });
    const pr = await repo.pull("fix", `Transliterate accents.\n\nLancer-Task: ${TASK}\n`);
    await actionsSettled(fx);
    const { run } = await latestJobs(fx, "standalone", "lancer.yml");
    expect(run.conclusion).toBe("success");
    const [check] = await lancerChecks(fx, "standalone", sha);
    expect(check?.conclusion).toBe("success");
    expect(check?.output.title).toBe("pass: $250 earned");
    const { data: comments } = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { owner: org, repo: "standalone", issue_number: pr },
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]!.user?.type).toBe("Bot");
    expect(comments[0]!.body).toContain(`<!-- lancer:payout task=${TASK} attempt=1 -->`);
    expect(comments[0]!.body).toContain("Payout: **$250** (the task's price).");

    // A new push re-grades and edits the same comment: now the change breaks the tests.
    await git(["checkout", "-q", "fix"], { cwd: repo.repo.dir });
    const broken = await repo.repo.commit({
      "src/slugify.js": "export const slugify = () => '';\n",
    });
    await repo.repo.push("fix");
    await git(["checkout", "-q", "main"], { cwd: repo.repo.dir });
    await actionsSettled(fx);
    const [recheck] = await lancerChecks(fx, "standalone", broken);
    expect(recheck?.conclusion).toBe("failure");
    const { data: after } = await fx.admin.request(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { owner: org, repo: "standalone", issue_number: pr },
    );
    expect(after).toHaveLength(1);
    expect(after[0]!.body).toContain("Payout: $0 of $250.");
  });

  it("reports an unreadable bank as a grading error, never as $0", async () => {
    await dispatchAndSettle(fx, "grader", "all-in-one.yml", {
      repository: `${org}/${TASK}`,
      sha: slugify.mainSha,
      task: TASK,
      bank: `${org}/no-such-bank`,
    });
    const { run, jobs } = await latestJobs(fx, "grader", "all-in-one.yml");
    expect(run.conclusion).toBe("failure");
    const log = await jobLog(fx, "grader", jobs.grade!.id);
    expect(log).toContain("outputs verdict=error payout-cents=[] payout=[]");
    expect(log).toContain(`the bank ${org}/no-such-bank cannot be read`);
    const checks = await lancerChecks(fx, TASK, slugify.mainSha);
    const errored = checks.find((c) => c.conclusion === "neutral");
    expect(errored?.output.title).toBe("grading error: no payout decided");
    expect(errored?.output.summary).not.toContain("$0");
  });
});
