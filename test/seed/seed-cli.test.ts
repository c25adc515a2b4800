import path from "node:path";
import { describe, expect, it } from "vitest";
import type { SeedReport } from "../../src/github/seed/seed-bank.ts";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { FIXTURE_TASKS, IC_DIR_TASK, MANAGER_TASK } from "./seed-helpers.ts";

// The sandbox runs in this process; startSandbox wrote <state dir>/sandbox.json for the CLI.
const fx = await startSandboxFixture();
const root = tempDir("lancer-seed-cli-");
const common = ["--cache-dir", path.join(root, "cache"), "--work-dir", root];
const noCredentials = { APP_ID: "", PRIVATE_KEY: "", PRIVATE_KEY_PATH: "" };

function requestsServed(): number {
  return [...fx.running.sandbox.stats.byRoute.values()].reduce((a, b) => a + b, 0);
}

describe("lancer seed", () => {
  it("explains itself with --help, with an example", async () => {
    const result = await runLancer(["seed", "--help"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Usage: lancer seed [options] <bank>");
    for (const option of ["--org", "--sandbox", "--only", "--agents", "--per-minute", "--json"])
      expect(result.stdout).toContain(option);
    expect(result.stdout).toMatch(/Examples:\n {2}APP_ID=/);
  });

  it("seeds a sandbox from its sandbox.json and prints the report", async () => {
    // A bank given relative to the working folder, as a user types it.
    const result = await runLancer([
      "seed",
      path.relative(process.cwd(), FIXTURE_TASKS),
      "--sandbox",
      fx.dir,
      "--only",
      `${IC_DIR_TASK},${MANAGER_TASK}`,
      ...common,
    ]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^Seeded 2 tasks \(1 IC, 1 manager, \$750\) on arena at http:\/\/127\.0\.0\.1:\d+ in /,
    );
    expect(result.stdout).toMatch(
      new RegExp(`${IC_DIR_TASK} +ic +\\$250 +repo, base, access: lancer-agent, issue\\n`),
    );
    expect(result.stdout).toMatch(
      new RegExp(
        `${MANAGER_TASK} +manager +\\$500 +repo, base, access: lancer-agent, issue, 4 proposals`,
      ),
    );
    expect(result.stdout).toContain(`${fx.running.url}/arena/${IC_DIR_TASK}/issues/1`);
    expect(result.stdout).toContain("grader  arena/lancer-grader (private): created, pushed ");
    expect(result.stdout).toContain(
      "ledger  arena/lancer-ledger: created, tasks.json updated (2 tasks listed)",
    );
    const { data: issues } = await fx.admin.request("GET /repos/{owner}/{repo}/issues", {
      owner: "arena",
      repo: MANAGER_TASK,
    });
    expect(issues.map((i) => i.user?.login)).toEqual(["lancer[bot]"]);
  });

  it("reports a rerun as JSON: nothing created", async () => {
    const report = await runLancerJson<SeedReport>([
      "seed",
      FIXTURE_TASKS,
      "--sandbox",
      fx.dir,
      "--only",
      `${IC_DIR_TASK},${MANAGER_TASK}`,
      ...common,
    ]);
    expect(report.exitCode).toBe(0);
    expect(
      report.tasks.map((t) => [t.id, t.issue_number, t.created.repo, t.created.issue]),
    ).toEqual([
      [IC_DIR_TASK, 1, false, false],
      [MANAGER_TASK, 1, false, false],
    ]);
    expect(report.requests.creating).toBe(0);
    expect(report.grader.pushed).toBe(false);
  });

  it("refuses an --only id the bank lacks, naming it, before any request", async () => {
    const before = requestsServed();
    const result = await runLancer([
      "seed",
      FIXTURE_TASKS,
      "--sandbox",
      fx.dir,
      "--only",
      `${IC_DIR_TASK},no-such-task`,
      ...common,
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`lancer: not in the bank ${FIXTURE_TASKS}: no-such-task`);
    expect(result.stdout).toBe("");
    expect(requestsServed()).toBe(before);
  });

  it("names what is missing: credentials, the org, a readable bank", async () => {
    const missing = await runLancer(["seed", FIXTURE_TASKS, "--org", "arena", ...common], {
      env: noCredentials,
    });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("lancer: no GitHub credentials: set APP_ID and PRIVATE_KEY");
    const noOrg = await runLancer(["seed", FIXTURE_TASKS, "--token-env", "T"], {
      env: { ...noCredentials, T: "x" },
    });
    expect(noOrg.stderr).toContain("lancer: --org: required");
    const emptyToken = await runLancer(
      ["seed", FIXTURE_TASKS, "--org", "arena", "--token-env", "T"],
      {
        env: { ...noCredentials, T: "" },
      },
    );
    expect(emptyToken.stderr).toContain("--token-env: the environment variable T is empty");
    const noBank = await runLancer(["seed", path.join(root, "nowhere"), "--sandbox", fx.dir]);
    expect(noBank.exitCode).toBe(1);
    expect(noBank.stderr).toContain("nowhere: not a folder (expected a task bank)");
  });
});
