import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { seedBank, type Clock, type SeedReport } from "../../src/github/seed/seed-bank.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyManagerTask, writeTinyTask } from "../helpers/tiny-bank.ts";
import { appAuth, contractFetch } from "./seed-helpers.ts";

// The sandbox enforces its secondary limits with the real clock of this process. Only `Date`
// is faked (timers stay real): the seeder's waits move the shared clock forward at once, so
// the sandbox sees the minutes pass without the test sleeping through them.
vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
afterAll(() => {
  vi.useRealTimers();
});
const clock: Clock & { slept: number[] } = {
  now: () => Date.now(),
  sleep: async (ms) => {
    clock.slept.push(ms);
    vi.setSystemTime(Date.now() + ms);
  },
  slept: [],
};

const LIMITS = { perMinute: 4, perHour: 40 };
const fx = await startSandboxFixture({ secondaryLimits: LIMITS });
const org = fx.running.org;
const root = tempDir("lancer-seed-limits-");
const bankDir = path.join(root, "bank");
for (const suffix of ["a", "b", "c"]) {
  writeTinyTask(bankDir, `ic-${suffix}`);
  writeTinyManagerTask(bankDir, `mgr-${suffix}`);
}
const problems: string[] = [];

async function seed(
  suffix: string,
  limits: { perMinute: number; perHour: number },
  refused: number[],
): Promise<SeedReport> {
  return seedBank({
    bankDir,
    org,
    serverUrl: fx.running.url,
    auth: appAuth(fx),
    only: [`ic-${suffix}`, `mgr-${suffix}`],
    agents: [fx.running.users.agent],
    graderRepo: `grader-${suffix}`,
    ledgerRepo: `ledger-${suffix}`,
    cacheDir: path.join(root, "cache"),
    workDir: root,
    limits,
    clock,
    fetch: contractFetch(fx.running.apiUrl, problems, (_method, _path, status) => {
      if (status === 403) refused.push(status);
      return false;
    }),
  });
}

async function countIssuesAndComments(repo: string): Promise<[number, number]> {
  const { data: issues } = await fx.admin.request("GET /repos/{owner}/{repo}/issues", {
    owner: org,
    repo,
    state: "all",
  });
  const { data: comments } = await fx.admin.request(
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
    { owner: org, repo, issue_number: 1 },
  );
  return [issues.length, comments.length];
}

// Content creations of one seed of a tiny IC task and a tiny manager task (3 proposals):
// grader repo 1; IC repo, access, issue 3; manager repo, access, issue, 3 proposals 6;
// ledger repo, README, tasks.json 3.
const CREATIONS = 13;

describe("seedBank under the sandbox's real secondary limits (4 a minute)", () => {
  it("paces itself below the limits: never refused, waits a minute every 4 creations", async () => {
    const refused: number[] = [];
    const started = Date.now();
    const report = await seed("a", LIMITS, refused);
    expect(refused).toEqual([]);
    expect(report.requests.creating).toBe(CREATIONS);
    expect(report.requests.retries).toBe(0);
    expect(report.requests.waited_ms).toBeGreaterThanOrEqual(3 * 60_000 - 4_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 60_000 - 4_000);
    expect(await countIssuesAndComments("mgr-a")).toEqual([1, 3]);
    expect(await countIssuesAndComments("ic-a")).toEqual([1, 0]);
    expect(problems).toEqual([]);
  });

  it("when its own pacing allows more than the server, waits out each 403 retry-after and finishes without duplicates", async () => {
    const refused: number[] = [];
    clock.slept.length = 0;
    const report = await seed("b", { perMinute: 1000, perHour: 1000 }, refused);
    expect(refused.length).toBeGreaterThan(0);
    expect(report.requests.retries).toBe(refused.length);
    expect(report.requests.creating).toBe(CREATIONS + refused.length);
    expect(clock.slept.every((ms) => ms >= 1000 && ms <= 60_000)).toBe(true);
    expect(report.totals).toMatchObject({ tasks: 2, repos_created: 2, issues_created: 2 });
    expect(report.totals.proposals_created).toBe(3);
    expect(await countIssuesAndComments("mgr-b")).toEqual([1, 3]);
    expect(await countIssuesAndComments("ic-b")).toEqual([1, 0]);
    // GitHub answers a secondary limit with 403 on any route, documented or not for the route.
    expect(problems.filter((p) => !p.includes("status 403 is not documented"))).toEqual([]);
  });

  it("mints a new installation token when an hour of pacing has outlived the first one", async () => {
    const refused: number[] = [];
    const started = Date.now();
    // Two creations an hour: the seed spans six hours of the sandbox's clock; each token lasts one.
    const report = await seed("c", { perMinute: 4, perHour: 2 }, refused);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6 * 3_600_000);
    expect(refused).toEqual([]);
    expect(report.requests.retries).toBe(0);
    expect(
      report.requests.by_route["POST /app/installations/{installation_id}/access_tokens"],
    ).toBeGreaterThanOrEqual(6);
    expect(report.tasks.map((t) => t.created.content)).toEqual(["pushed", "pushed"]);
    expect(await countIssuesAndComments("mgr-c")).toEqual([1, 3]);
  });
});
