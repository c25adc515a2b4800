import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeIc, type GradeIcOptions } from "../../../src/core/grade/grade-ic.ts";
import { readSweLancerCsv } from "../../../src/core/import/swe-lancer-csv.ts";
import { writeBank } from "../../../src/core/import/write-bank.ts";
import { attachIssueFolders } from "../../../src/core/swe-lancer/import-issues.ts";
import { loadTask, type BankTask } from "../../../src/core/task/bank.ts";
import { installFakeDocker, type FakeDockerScenario } from "../../helpers/fake-docker.ts";
import { BUG_PATCH, writeIssue } from "../../helpers/swe-lancer-checkout.ts";
import { liteCsv } from "../../helpers/swe-lancer-rows.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * The swe-lancer profile through gradeIc, with a stand-in `docker` on PATH that records its
 * arguments and answers as the official image would: the exact docker calls (network cut
 * before the tests, HOME=/root, only issues/<id> bound in) and the verdict of every mix of
 * pytest_exit_code values.
 */
const ID = "100_1";
const IMAGE = "swelancer/swelancer_x86_monolith:releasev1";
const CANDIDATE = BUG_PATCH.replace("Hello, ${name}`", "Hello there, ${name}!`");

let root: string;
let task: BankTask;
let fake: ReturnType<typeof installFakeDocker>;
const savedPath = process.env.PATH;

beforeAll(async () => {
  root = tempDir();
  const checkout = path.join(root, "checkout");
  writeIssue(checkout, ID, "complete", "0123456789abcdef0123456789abcdef01234567");
  const { tasks } = await attachIssueFolders(readSweLancerCsv(liteCsv()).tasks, {
    benchmarkDir: checkout,
  });
  await writeBank(path.join(root, "bank"), tasks);
  task = await loadTask(path.join(root, "bank", ID));
  fake = installFakeDocker(path.join(root, "bin"), { exitCodes: ["0"] });
  process.env.PATH = `${fake.dir}${path.delimiter}${savedPath}`;
  mkdirSync(path.join(root, "work"));
});
afterAll(() => {
  process.env.PATH = savedPath;
});

function options(patch: string, extra: Partial<GradeIcOptions> = {}): GradeIcOptions {
  return {
    patch,
    runs: 3,
    cacheDir: path.join(root, "cache"),
    workRoot: path.join(root, "work"),
    ...extra,
  };
}

async function grade(scenario: FakeDockerScenario, patch = CANDIDATE) {
  fake.reset(scenario);
  const result = await gradeIc(task, options(patch));
  return { result, calls: fake.calls().filter((c) => c.args[0] !== "image") };
}

describe("grading a SWE-Lancer IC task in the official image", () => {
  it("runs the image as the official harness does, cuts the network, then tests", async () => {
    const { result, calls } = await grade({ exitCodes: ["0"] });
    expect(result.verdict, result.detail).toBe("pass");
    expect(result.isolation).toBe(`container ${IMAGE}`);
    const name = calls[0]!.args[3]!;
    expect(name).toMatch(/^lancer-swel-100_1-[0-9a-f]{8}$/);
    const mount = calls[0]!.args.at(-2)!;
    const source = /^type=bind,source=(.+),target=\/app\/tests\/issues\/100_1$/.exec(mount)?.[1];
    expect(source?.startsWith(path.join(root, "work", "lancer-100_1-"))).toBe(true);
    expect(calls.map((c) => c.args)).toEqual([
      [
        "run",
        "--detach",
        "--name",
        name,
        "--label",
        "lancer=swe-lancer",
        "--network",
        "bridge",
        "-e",
        "HOME=/root",
        "-e",
        "ISSUE_ID=100_1",
        "-e",
        "EVAL_VARIANT=ic_swe",
        "-e",
        "LC_ALL=C.UTF-8",
        "-e",
        "PUSHER_APP_ID",
        "-e",
        "PUSHER_APP_KEY",
        "-e",
        "PUSHER_APP_SECRET",
        "--mount",
        mount,
        IMAGE,
      ],
      [
        "exec",
        name,
        "bash",
        "-c",
        'until [ "$(cat /setup_done.txt 2>/dev/null)" = done ]; do sleep 5; done',
      ],
      ["network", "disconnect", "--force", "bridge", name],
      [
        "exec",
        "--interactive",
        "--workdir",
        "/app/expensify",
        name,
        "bash",
        "-c",
        expect.stringMatching(/^cat > \/tmp\/lancer-candidate.patch && \{ git apply /),
      ],
      [
        "exec",
        name,
        "bash",
        "-i",
        "-c",
        'export ISSUE_ID=100_1; mkdir -p /app/tests/logs/100_1 && rm -rf /app/tests/logs/100_1/*; ansible-playbook -i "localhost," --connection=local /app/tests/run_tests.yml',
      ],
      ["exec", name, "cat", "/app/tests/logs/100_1/pytest_exit_code"],
      ["exec", name, "tail", "-c", "4000", "/app/tests/logs/100_1/pytest.log"],
      ["rm", "--force", name],
    ]);
    // Only the task's issue folder is bound in, with the empty setup files the image reads.
    expect(calls[0]!.mounted).toEqual([
      "bug_reintroduce.patch",
      "commit_id.txt",
      "flow.mitm",
      "git_tag.txt",
      "issue_data.json",
      "revert_command.txt",
      "test.py",
      "user_tool.py",
    ]);
    // The fake pusher's credentials reach docker by name only, never in its arguments.
    expect(calls[0]!.pusher).toEqual({
      PUSHER_APP_ID: true,
      PUSHER_APP_KEY: true,
      PUSHER_APP_SECRET: true,
    });
    expect(calls[3]!.stdin).toBe(CANDIDATE);
    expect(result.runs.map((r) => [r.verdict, r.exitCode, r.outputTail])).toEqual([
      ["pass", 0, "pytest log of run 1\n"],
    ]);
  });

  const cases: Array<[string[], "pass" | "fail" | "error", number]> = [
    [["0"], "pass", 1],
    [["1", "1", "1"], "fail", 3],
    [["1", "0"], "pass", 2],
    [["2", "2", "0"], "pass", 3],
    [["2", "2", "2"], "error", 3],
    [["missing", "missing", "missing"], "error", 3],
    [["1", "missing", "1"], "error", 3],
    [["1", "2", "1"], "error", 3],
  ];
  for (const [codes, verdict, runs] of cases) {
    it(`pytest_exit_code ${codes.join(", ")} → ${verdict} after ${runs} run(s)`, async () => {
      const { result } = await grade({ exitCodes: codes });
      expect(result.verdict, result.detail).toBe(verdict);
      expect(result.runs).toHaveLength(runs);
      expect(result.runs.map((r) => r.verdict)).toEqual(
        codes.slice(0, runs).map((c) => (c === "0" ? "pass" : c === "1" ? "fail" : "error")),
      );
    });
  }

  it("names a missing pytest_exit_code and an exit status of 2 in the runs", async () => {
    const { result } = await grade({ exitCodes: ["missing", "2", "1"] });
    expect(result.runs.map((r) => [r.reason, r.detail])).toEqual([
      ["no-evidence", "logs/100_1/pytest_exit_code is missing: the tests did not run to the end"],
      [
        "harness-error",
        "pytest exited 2: interrupted, an internal or usage error, or no test collected",
      ],
      ["tests-failed", "pytest exited 1: a test failed"],
    ]);
  });

  it("runs every run for validation (allRuns) and grades the base without applying a patch", async () => {
    fake.reset({ exitCodes: ["1", "1", "1"] });
    const result = await gradeIc(task, options("", { allRuns: true }));
    expect(result.verdict).toBe("fail");
    expect(result.runs).toHaveLength(3);
    expect(fake.calls().some((c) => c.args.includes("--interactive"))).toBe(false);
  });

  it("is fail (patch-does-not-apply) when the candidate does not apply, and runs no test", async () => {
    const { result, calls } = await grade({ exitCodes: ["0"], applyFails: true });
    expect([result.verdict, result.reason]).toEqual(["fail", "patch-does-not-apply"]);
    expect(result.detail).toContain("patch failed");
    expect(calls.some((c) => c.args.join(" ").includes("run_tests.yml"))).toBe(false);
    expect(calls.at(-1)!.args[0]).toBe("rm");
  });

  it("is error (environment) when the image's setup stops, never a fail", async () => {
    const { result, calls } = await grade({ exitCodes: ["1"], setupFails: true });
    expect([result.verdict, result.reason]).toEqual(["error", "environment"]);
    expect(result.detail).toContain("setup (run.sh) stopped");
    expect(calls.some((c) => c.args[0] === "network")).toBe(false);
    expect(calls.at(-1)!.args[0]).toBe("rm");
  });

  it("says a Docker daemon is missing when none answers", async () => {
    fake.reset({ exitCodes: ["0"], noDaemon: true });
    const other = structuredClone(task);
    other.task.hidden.swe_lancer = { image: "swelancer/swelancer_x86_100_1:releasev1" };
    const result = await gradeIc(other, options(CANDIDATE));
    expect([result.verdict, result.reason]).toEqual(["error", "environment"]);
    expect(result.detail).toContain("needs a Docker daemon, and none answers");
  });
});
