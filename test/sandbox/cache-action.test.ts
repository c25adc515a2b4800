import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { actionsSettled, createActionsRepo, jobLog } from "../helpers/actions-repo.ts";
import { startSandboxFixture } from "../helpers/sandbox-fixture.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const fx = await startSandboxFixture();
const { sandbox } = fx.running;
const owner = fx.running.org;
const REPO = "caching";
const outRoot = tempDir("lancer-cache-out-");

/** Makes `deps/` (a text file, an executable binary, a symbolic link) and saves it. */
const SAVE_YML = `name: Save
on:
  workflow_dispatch:
    inputs:
      key:
        type: string
        required: true
      content:
        type: string
        default: one
      path:
        type: string
        default: deps
jobs:
  save:
    runs-on: ubuntu-latest
    steps:
      - run: |
          mkdir -p deps/nested
          printf 'content=%s\\n' "\${{ inputs.content }}" > deps/nested/file.txt
          printf '\\000\\001\\377binary \${{ inputs.content }}' > deps/blob.bin
          chmod 755 deps/blob.bin
          ln -s nested/file.txt deps/link
      - id: save
        uses: actions/cache/save@v4
        with:
          path: \${{ inputs.path }}
          key: \${{ inputs.key }}
`;

/** Restores `deps/` (or `path`) in a fresh workspace and copies what came back to `out`. */
const RESTORE_YML = `name: Restore
on:
  workflow_dispatch:
    inputs:
      key:
        type: string
        required: true
      restore-keys:
        type: string
        default: ""
      path:
        type: string
        default: deps
      fail:
        type: boolean
        default: false
      lookup:
        type: boolean
        default: false
      out:
        type: string
        required: true
jobs:
  restore:
    runs-on: ubuntu-latest
    outputs:
      hit: \${{ steps.cache.outputs.cache-hit }}
      matched: \${{ steps.cache.outputs.cache-matched-key }}
      primary: \${{ steps.cache.outputs.cache-primary-key }}
    steps:
      - run: test -z "$(ls -A)"
      - id: cache
        uses: actions/cache/restore@v4
        with:
          path: \${{ inputs.path }}
          key: \${{ inputs.key }}
          restore-keys: \${{ inputs.restore-keys }}
          fail-on-cache-miss: \${{ inputs.fail }}
          lookup-only: \${{ inputs.lookup }}
      - run: |
          echo "hit=[\${{ steps.cache.outputs.cache-hit }}]"
          mkdir -p "\${{ inputs.out }}"
          if [ -e deps ]; then cp -a deps "\${{ inputs.out }}/"; fi
`;

/**
 * The grader's layout: a folder under RUNNER_TEMP (and one under HOME, written with \`~\`),
 * saved by one job and restored by another, whose RUNNER_TEMP is elsewhere on disk.
 */
const ENV_YML = `name: Env
on: workflow_dispatch
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          mkdir -p "$RUNNER_TEMP/lancer/cache/envs/k1/bin" ~/.toolcache
          printf '#!/bin/sh\\necho tool\\n' > "$RUNNER_TEMP/lancer/cache/envs/k1/bin/tool"
          chmod +x "$RUNNER_TEMP/lancer/cache/envs/k1/bin/tool"
          echo "$RUNNER_TEMP" > "$RUNNER_TEMP/lancer/cache/envs/k1/origin.txt"
          echo home-data > ~/.toolcache/data.txt
      - uses: actions/cache/save@v4
        with:
          path: |
            \${{ runner.temp }}/lancer/cache/envs/k1
            ~/.toolcache
          key: env-k1
  use:
    needs: build
    runs-on: ubuntu-latest
    outputs:
      hit: \${{ steps.cache.outputs.cache-hit }}
    steps:
      - id: cache
        uses: actions/cache/restore@v4
        with:
          path: |
            \${{ runner.temp }}/lancer/cache/envs/k1
            ~/.toolcache
          key: env-k1
      - run: |
          test "$("$RUNNER_TEMP/lancer/cache/envs/k1/bin/tool")" = tool
          test "$(cat "$RUNNER_TEMP/lancer/cache/envs/k1/origin.txt")" != "$RUNNER_TEMP"
          test "$(cat ~/.toolcache/data.txt)" = home-data
          test -z "$(ls -A "$GITHUB_WORKSPACE")"
          echo "restored-$(cat ~/.toolcache/data.txt)-in-another-job"
`;

/** Two jobs side by side saving the same key with different contents. */
const RACE_YML = `name: Race
on: workflow_dispatch
jobs:
  first:
    runs-on: ubuntu-latest
    steps:
      - run: mkdir deps && echo first > deps/who.txt && echo first > deps/again.txt
      - uses: actions/cache/save@v4
        with:
          path: deps
          key: race
  second:
    runs-on: ubuntu-latest
    steps:
      - run: mkdir deps && echo second > deps/who.txt && echo second > deps/again.txt
      - uses: actions/cache/save@v4
        with:
          path: deps
          key: race
`;

const UNSUPPORTED_YML = `name: Unsupported
on: workflow_dispatch
jobs:
  combined:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache@v4
        with:
          path: deps
          key: k
  glob:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/cache/restore@v4
        with:
          path: |
            deps
            build/**/*.o
          key: k
  bad-save-key:
    runs-on: ubuntu-latest
    steps:
      - run: mkdir deps && touch deps/x
      - uses: actions/cache/save@v4
        with:
          path: deps
          key: a,b
`;

interface JobView {
  id: number;
  conclusion: string | null;
  outputs: Record<string, string>;
  steps: Array<string | null>;
  log: string;
  warnings: string[];
}

/** Dispatches a workflow on main, waits for the run, and returns its conclusion and jobs. */
async function dispatch(
  workflow: string,
  inputs: Record<string, string> = {},
): Promise<{ conclusion: string | null; jobs: Record<string, JobView> }> {
  const { data } = await fx.admin.request(
    "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    { owner, repo: REPO, workflow_id: workflow, ref: "main", inputs, return_run_details: true },
  );
  await actionsSettled(fx);
  const runId = Number(data.workflow_run_id);
  const run = sandbox.store.workflowRuns.get(runId)!;
  const { data: listed } = await fx.admin.request(
    "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs",
    { owner, repo: REPO, run_id: runId },
  );
  const jobs: Record<string, JobView> = {};
  for (const job of listed.jobs) {
    const stored = sandbox.store.workflowJobs.get(Number(job.id))!;
    jobs[job.name] = {
      id: Number(job.id),
      conclusion: job.conclusion,
      outputs: stored.outputs ?? {},
      steps: (job.steps ?? []).map((s) => s.conclusion),
      log: await jobLog(fx, REPO, Number(job.id)),
      warnings: (stored.annotations ?? [])
        .filter((a) => a.level === "warning")
        .map((a) => a.message),
    };
  }
  return { conclusion: run.conclusion, jobs };
}

/** Restores into a fresh folder of the test and returns the job and that folder. */
let restores = 0;
async function restore(inputs: Record<string, string>): Promise<{ job: JobView; out: string }> {
  const out = path.join(outRoot, `restore-${++restores}`);
  const { jobs } = await dispatch("restore.yml", { out, ...inputs });
  return { job: jobs.restore!, out };
}

const cacheDir = () => {
  const repo = sandbox.store.repoByName(owner, REPO)!;
  return path.join(sandbox.stateDir, "actions", "caches", String(repo.id));
};

/** The member names of every entry's archive, listed with tar. */
async function archiveListings(): Promise<string[][]> {
  const entries = readdirSync(path.join(cacheDir(), "entries"));
  const archives = entries.map((e) => path.join(cacheDir(), "entries", e, "cache.tgz"));
  return Promise.all(
    archives.map(async (a) => (await execa("tar", ["-tzf", a])).stdout.split("\n")),
  );
}

describe("sandbox runner: actions/cache/restore and actions/cache/save", () => {
  beforeAll(async () => {
    const local = await createActionsRepo(fx, REPO);
    await local.commit({
      ".github/workflows/save.yml": SAVE_YML,
      ".github/workflows/restore.yml": RESTORE_YML,
      ".github/workflows/env.yml": ENV_YML,
      ".github/workflows/race.yml": RACE_YML,
      ".github/workflows/unsupported.yml": UNSUPPORTED_YML,
    });
    await local.push("main");
    await actionsSettled(fx);
  });

  it("saves a folder in one run and restores it byte for byte in a later one (exact hit)", async () => {
    const saved = await dispatch("save.yml", { key: "deps-v1", content: "one" });
    expect(saved.conclusion).toBe("success");
    expect(saved.jobs.save!.log).toContain("Cache saved with key: deps-v1");

    const { job, out } = await restore({ key: "deps-v1" });
    expect(job.conclusion).toBe("success");
    expect(job.outputs).toEqual({ hit: "true", matched: "deps-v1", primary: "deps-v1" });
    expect(job.log).toContain("Cache restored from key: deps-v1");
    const blob = readFileSync(path.join(out, "deps", "blob.bin"));
    expect(blob.equals(Buffer.from([0, 1, 255, ...Buffer.from("binary one")]))).toBe(true);
    expect(statSync(path.join(out, "deps", "blob.bin")).mode & 0o777).toBe(0o755);
    expect(readFileSync(path.join(out, "deps", "nested", "file.txt"), "utf8")).toBe(
      "content=one\n",
    );
    expect(readlinkSync(path.join(out, "deps", "link"))).toBe("nested/file.txt");
  });

  it("stores entries as tar archives of workspace-relative paths, leaving no temporary files", async () => {
    const listings = await archiveListings();
    expect(listings.length).toBeGreaterThan(0);
    expect(listings.flat()).toEqual(expect.arrayContaining(["deps/", "deps/blob.bin"]));
    expect(listings.flat().filter((name) => path.isAbsolute(name))).toEqual([]);
    expect(readdirSync(path.join(cacheDir(), "tmp"))).toEqual([]);
  });

  it("falls back to restore-keys in order, the newest entry of a prefix winning (cache-hit false)", async () => {
    expect((await dispatch("save.yml", { key: "deps-v2-a", content: "two" })).conclusion).toBe(
      "success",
    );
    expect((await dispatch("save.yml", { key: "deps-v2-b", content: "three" })).conclusion).toBe(
      "success",
    );

    const newest = await restore({ key: "deps-v3", "restore-keys": "nope-\ndeps-v2-\ndeps-" });
    expect(newest.job.outputs).toEqual({ hit: "false", matched: "deps-v2-b", primary: "deps-v3" });
    expect(newest.job.log).toContain("Cache restored from key: deps-v2-b");
    expect(readFileSync(path.join(newest.out, "deps", "nested", "file.txt"), "utf8")).toBe(
      "content=three\n",
    );

    // The first restore key that matches anything wins, even over newer entries of later ones.
    const ordered = await restore({ key: "deps-v3", "restore-keys": "deps-v1\ndeps-v2-" });
    expect(ordered.job.outputs.matched).toBe("deps-v1");
    expect(readFileSync(path.join(ordered.out, "deps", "nested", "file.txt"), "utf8")).toBe(
      "content=one\n",
    );

    // The primary key is itself tried as a prefix before the restore keys.
    const partial = await restore({ key: "deps-v2", "restore-keys": "deps-v1" });
    expect(partial.job.outputs).toEqual({ hit: "false", matched: "deps-v2-b", primary: "deps-v2" });
  });

  it("misses as v4 does: cache-hit unset, primary key set, the keys in the log; fail-on-cache-miss fails", async () => {
    const miss = await restore({ key: "absent", "restore-keys": "nothing-\nzilch" });
    expect(miss.job.conclusion).toBe("success");
    expect(miss.job.outputs).toEqual({ hit: "", matched: "", primary: "absent" });
    expect(miss.job.log).toContain("hit=[]");
    expect(miss.job.log).toContain("Cache not found for input keys: absent, nothing-, zilch");
    expect(existsSync(path.join(miss.out, "deps"))).toBe(false);

    const failing = await restore({ key: "absent", fail: "true" });
    expect(failing.job.conclusion).toBe("failure");
    expect(failing.job.steps).toEqual(["success", "success", "failure", "skipped", "success"]);
    expect(failing.job.log).toContain(
      "##[error]Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: absent",
    );
  });

  it("with lookup-only, reports the entry without restoring it", async () => {
    const { job, out } = await restore({ key: "deps-v1", lookup: "true" });
    expect(job.outputs).toEqual({ hit: "true", matched: "deps-v1", primary: "deps-v1" });
    expect(job.log).toContain("Cache found and can be restored from key: deps-v1");
    expect(existsSync(path.join(out, "deps"))).toBe(false);
  });

  it("misses an entry saved with other paths (the version hashes the path lines)", async () => {
    for (const other of ["./deps", "deps\nother"]) {
      const { job } = await restore({ key: "deps-v1", path: other });
      expect(job.conclusion).toBe("success");
      expect(job.outputs).toEqual({ hit: "", matched: "", primary: "deps-v1" });
    }
  });

  it("never overwrites an entry: saving an existing key warns and leaves it unchanged", async () => {
    const again = await dispatch("save.yml", { key: "deps-v1", content: "changed" });
    expect(again.conclusion).toBe("success");
    const log = again.jobs.save!.log;
    expect(log).toMatch(/##\[warning\]Failed to save: Unable to reserve cache with key deps-v1/);
    expect(log).toContain("Cache already exists");
    expect(log).not.toContain("Cache saved with key");
    expect(again.jobs.save!.warnings).toContain("Cache save failed.");

    const { job, out } = await restore({ key: "deps-v1" });
    expect(job.outputs.hit).toBe("true");
    expect(readFileSync(path.join(out, "deps", "nested", "file.txt"), "utf8")).toBe(
      "content=one\n",
    );
  });

  it("warns and saves nothing when no path exists", async () => {
    const saved = await dispatch("save.yml", { key: "nothing-there", path: "missing-dir" });
    expect(saved.conclusion).toBe("success");
    expect(saved.jobs.save!.log).toContain(
      "##[warning]Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.",
    );
    expect(saved.jobs.save!.warnings).toEqual(["Cache save failed."]);
    const { job } = await restore({ key: "nothing-there", path: "missing-dir" });
    expect(job.outputs.matched).toBe("");
  });

  it("restores a folder of RUNNER_TEMP and of HOME in another job, whose folders are elsewhere", async () => {
    const { conclusion, jobs } = await dispatch("env.yml");
    expect(jobs.build!.log).toContain("Cache saved with key: env-k1");
    expect(jobs.use!.outputs).toEqual({ hit: "true" });
    expect(jobs.use!.steps).toEqual(["success", "success", "success", "success"]);
    expect(jobs.use!.log).toContain("restored-home-data-in-another-job");
    expect(conclusion).toBe("success");
    // As the real action stores them: relative to the workspace, `../` for what is outside.
    const members = (await archiveListings()).flat();
    expect(members).toEqual(
      expect.arrayContaining([
        "../../temp/lancer/cache/envs/k1/bin/tool",
        "../../home/.toolcache/data.txt",
      ]),
    );
  });

  it("keeps exactly one entry when two jobs save the same key at once", async () => {
    const { conclusion, jobs } = await dispatch("race.yml");
    expect(conclusion).toBe("success");
    const logs = [jobs.first!.log, jobs.second!.log];
    expect(logs.filter((l) => l.includes("Cache saved with key: race"))).toHaveLength(1);
    expect(logs.filter((l) => l.includes("Cache already exists"))).toHaveLength(1);
    const winner = jobs.first!.log.includes("Cache saved with key: race") ? "first" : "second";

    const { job, out } = await restore({ key: "race" });
    expect(job.outputs.hit).toBe("true");
    expect(readFileSync(path.join(out, "deps", "who.txt"), "utf8")).toBe(`${winner}\n`);
    expect(readFileSync(path.join(out, "deps", "again.txt"), "utf8")).toBe(`${winner}\n`);
  });

  it("refuses bad keys (restore fails, save warns) and what it does not support, naming it", async () => {
    const comma = await restore({ key: "a,b" });
    expect(comma.job.conclusion).toBe("failure");
    expect(comma.job.log).toContain("##[error]Key Validation Error: a,b cannot contain commas.");
    const long = "k".repeat(513);
    const tooLong = await restore({ key: "x", "restore-keys": long });
    expect(tooLong.job.conclusion).toBe("failure");
    expect(tooLong.job.log).toContain(
      `##[error]Key Validation Error: ${long} cannot be larger than 512 characters.`,
    );
    const tooMany = await restore({
      key: "x",
      "restore-keys": Array.from({ length: 10 }, (_, i) => `r${i}`).join("\n"),
    });
    expect(tooMany.job.log).toContain("Key Validation Error: Keys are limited to a maximum of 10.");

    const { jobs } = await dispatch("unsupported.yml");
    expect(jobs.combined!.conclusion).toBe("failure");
    expect(jobs.combined!.log).toMatch(
      /##\[error\]'actions\/cache@v4' saves the cache in a post step.*actions\/cache\/restore and actions\/cache\/save/,
    );
    expect(jobs.glob!.conclusion).toBe("failure");
    expect(jobs.glob!.log).toContain(
      "##[error]actions/cache/restore input 'path': 'build/**/*.o' is a glob pattern",
    );
    expect(jobs["bad-save-key"]!.conclusion).toBe("success");
    expect(jobs["bad-save-key"]!.log).toContain(
      "##[warning]Key Validation Error: a,b cannot contain commas.",
    );
    expect(jobs["bad-save-key"]!.warnings).toEqual(["Cache save failed."]);
  });
});
