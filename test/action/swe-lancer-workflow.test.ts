import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readSweLancerCsv } from "../../src/core/import/swe-lancer-csv.ts";
import { writeBank } from "../../src/core/import/write-bank.ts";
import { attachIssueFolders } from "../../src/core/swe-lancer/import-issues.ts";
import { parseWorkflowText } from "../../src/sandbox/runner/load-workflows.ts";
import { createActionsRepo, jobLog, latestJobs } from "../helpers/actions-repo.ts";
import { installFakeDocker, type FakeDockerScenario } from "../helpers/fake-docker.ts";
import {
  dispatchAndSettle,
  filesOf,
  lancerChecks,
  PROJECT_ROOT,
  pushBank,
  pushMirror,
  startLancerSandbox,
  type Mirror,
} from "../helpers/lancer-action.ts";
import type { SandboxFixture } from "../helpers/sandbox-fixture.ts";
import { HELLO_SOURCE, writeIssue } from "../helpers/swe-lancer-checkout.ts";
import { liteCsv } from "../helpers/swe-lancer-rows.ts";
import { tempDir } from "../helpers/temp-dir.ts";

/**
 * templates/swe-lancer-grader.yml as shipped (but for the bank's name), run by the sandbox's
 * workflow runner with the built Action, and a stand-in `docker` on PATH that records its
 * arguments and answers as the official image would. The SWE-Lancer task is imported from a
 * stand-in benchmark checkout; its mirror holds the base with the bug.
 */
const TEMPLATE = path.join(PROJECT_ROOT, "templates/swe-lancer-grader.yml");
const ID = "100_1";
const IMAGE = "swelancer/swelancer_x86_monolith:releasev1";
const BUGGY = HELLO_SOURCE.replace("${name}!`", "${name}`");
const FIX = `diff --git a/src/libs/Hello.js b/src/libs/Hello.js
--- a/src/libs/Hello.js
+++ b/src/libs/Hello.js
@@ -1,3 +1,3 @@
 export function hello(name) {
-    return \`Hello, \${name}\`;
+    return \`Hello, \${name}!\`;
 }
`;

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}

describe("the SWE-Lancer grader workflow, parsed", () => {
  it("lints clean with @actions/workflow-parser", async () => {
    const loaded = await parseWorkflowText("swe-lancer-grader.yml", readFileSync(TEMPLATE, "utf8"));
    expect(loaded.errors).toEqual([]);
  });

  it("frees disk on hosted runners, then gets the image, then runs in a host job", () => {
    const raw = parseYaml(readFileSync(TEMPLATE, "utf8")) as {
      jobs: Record<string, { "runs-on": string; container?: unknown; steps: Step[] }>;
    };
    const job = raw.jobs.grade!;
    expect(job.container).toBeUndefined();
    expect(job["runs-on"]).toBe("ubuntu-latest");
    const at = (test: (s: Step) => boolean) => job.steps.findIndex(test);
    const free = at((s) => s.name === "Free disk space (GitHub-hosted runners)");
    const pull = at((s) => s.run?.includes("docker pull") ?? false);
    const run = at((s) => s.with?.phase === "run");
    const prepare = at((s) => s.with?.phase === "prepare");
    expect(prepare < free && free < pull && pull < run).toBe(true);
    expect(job.steps[free]!.if).toContain("runner.environment == 'github-hosted'");
    expect(job.steps[run]!.with?.["base-sha"]).toBe("${{ steps.base.outputs.sha }}");
  });
});

describe("the SWE-Lancer grader workflow in the sandbox's runner", () => {
  let fx: SandboxFixture;
  let mirror: Mirror;
  let fake: ReturnType<typeof installFakeDocker>;
  const savedPath = process.env.PATH;

  beforeAll(async () => {
    const root = tempDir();
    fake = installFakeDocker(path.join(root, "bin"), { exitCodes: ["0"] });
    process.env.PATH = `${fake.dir}${path.delimiter}${savedPath}`;
    fx = await startLancerSandbox();
    const org = fx.running.org;
    const checkout = path.join(root, "checkout");
    writeIssue(checkout, ID, "complete", "0123456789abcdef0123456789abcdef01234567");
    // The bank travels as text through the sandbox's git: a text recording stands in.
    writeFileSync(path.join(checkout, "issues", ID, "flow.mitm"), "recorded flows\n");
    const { tasks } = await attachIssueFolders(readSweLancerCsv(liteCsv()).tasks, {
      benchmarkDir: checkout,
    });
    const bankDir = path.join(root, "bank");
    await writeBank(
      bankDir,
      tasks.filter((t) => t.task.id === ID),
    );
    await pushBank(fx, "bank", { [ID]: filesOf(path.join(bankDir, ID)) });
    mirror = await pushMirror(fx, ID, { "src/libs/Hello.js": BUGGY });
    const grader = await createActionsRepo(fx, "grader");
    const workflow = readFileSync(TEMPLATE, "utf8").replaceAll(
      "your-org/lancer-bank",
      `${org}/bank`,
    );
    await grader.commit({ ".github/workflows/grade.yml": workflow });
    await grader.push("main");
  }, 180_000);
  afterAll(() => {
    process.env.PATH = savedPath;
  });

  async function grade(scenario: FakeDockerScenario, branch: string) {
    fake.reset(scenario);
    const sha = await mirror.branch(branch, { patch: FIX });
    const pr = await mirror.pull(branch);
    await dispatchAndSettle(fx, "grader", "grade.yml", {
      repository: `${fx.running.org}/${ID}`,
      pr: String(pr),
      sha,
      task: ID,
      attempt: "1",
    });
    const { run, jobs } = await latestJobs(fx, "grader", "grade.yml");
    const log = await jobLog(fx, "grader", jobs.grade!.id);
    const check = (await lancerChecks(fx, ID, sha))[0];
    return { run, log, check, calls: fake.calls() };
  }

  it("pulls the image, grades in it with the network cut, and pays a pass", async () => {
    const { run, log, check, calls } = await grade({ exitCodes: ["0"], imageAbsent: true }, "fix");
    expect(run.conclusion, log).toBe("success");
    expect(check?.output.title).toBe("pass: $1,000 earned");
    expect(log).toContain(`Image ${IMAGE} ready in`);
    expect(log).not.toContain("sudo rm -rf /usr/share/dotnet");
    const verbs = calls.map((c) => c.args.slice(0, 2).join(" "));
    // The workflow's pull comes before anything the Action starts.
    expect(verbs.indexOf("pull --quiet")).toBeLessThan(verbs.indexOf("run --detach"));
    const start = calls.find((c) => c.args[0] === "run")!;
    expect(start.args).toContain("HOME=/root");
    expect(start.args).toContain("--network");
    expect(start.args.at(-2)).toMatch(/,target=\/app\/tests\/issues\/100_1$/);
    expect(start.mounted).toEqual([
      "bug_reintroduce.patch",
      "commit_id.txt",
      "flow.mitm",
      "git_tag.txt",
      "issue_data.json",
      "revert_command.txt",
      "test.py",
      "user_tool.py",
    ]);
    const cut = calls.findIndex((c) => c.args[0] === "network");
    const tests = calls.findIndex((c) => c.args.join(" ").includes("run_tests.yml"));
    expect(cut).toBeGreaterThan(0);
    expect(cut).toBeLessThan(tests);
    const applied = calls.find((c) => c.args.includes("--interactive"));
    expect(applied?.stdin).toContain("+    return `Hello, ${name}!`;");
    expect(calls.at(-1)!.args.slice(0, 2)).toEqual(["rm", "--force"]);
  }, 240_000);

  it("pays $0 when every run fails cleanly (pytest_exit_code 1)", async () => {
    const { run, check, calls } = await grade({ exitCodes: ["1", "1", "1"] }, "fail");
    expect(run.conclusion).toBe("success");
    expect(check?.output.title).toBe("fail (tests-failed): $0 of $1,000");
    expect(calls.filter((c) => c.args.join(" ").includes("run_tests.yml"))).toHaveLength(3);
  }, 240_000);

  for (const codes of [
    ["2", "2", "2"],
    ["missing", "missing", "missing"],
  ]) {
    it(`reports a grading error, never $0, for pytest_exit_code ${codes.join(", ")}`, async () => {
      const { run, check } = await grade({ exitCodes: codes }, `error-${codes[0]}`);
      expect(run.conclusion).toBe("failure");
      expect(check?.conclusion).toBe("neutral");
      expect(check?.output.title).toBe("grading error: no payout decided");
    }, 240_000);
  }
});
