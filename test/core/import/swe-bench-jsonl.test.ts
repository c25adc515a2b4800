import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git, gitOutput } from "../../../src/core/git/git.ts";
import { gradeIc } from "../../../src/core/grade/grade-ic.ts";
import { RepoProfiles } from "../../../src/core/import/repo-profiles.ts";
import { readSweBenchJsonl, resolveRepo } from "../../../src/core/import/swe-bench-jsonl.ts";
import { writeBank } from "../../../src/core/import/write-bank.ts";
import { loadBank } from "../../../src/core/task/bank.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const root = tempDir();
const repoRoot = path.join(root, "repos");
const clone = path.join(repoRoot, "acme__calc");
let base = "";

// The gold patch fixes `half`; the test patch adds a test for it.
const GOLD = [
  "diff --git a/calc.py b/calc.py",
  "--- a/calc.py",
  "+++ b/calc.py",
  "@@ -1,2 +1,2 @@",
  " def half(x):",
  "-    return x // 2",
  "+    return x / 2",
  "",
].join("\n");
const TEST_PATCH = [
  "diff --git a/test_calc.py b/test_calc.py",
  "--- a/test_calc.py",
  "+++ b/test_calc.py",
  "@@ -3,0 +4,3 @@ def test_double():",
  "+",
  "+def test_half_of_odd():",
  "+    assert half(3) == 1.5",
  "",
].join("\n");

beforeAll(async () => {
  mkdirSync(clone, { recursive: true });
  writeFileSync(
    path.join(clone, "calc.py"),
    "def half(x):\n    return x // 2\n\ndef double(x):\n    return x * 2\n",
  );
  writeFileSync(
    path.join(clone, "test_calc.py"),
    "from calc import half, double\n\ndef test_double():\n    assert double(2) == 4\n",
  );
  await git(["init", "-q", "-b", "main"], { cwd: clone });
  await git(["add", "-A"], { cwd: clone });
  await git(["commit", "-q", "-m", "calc"], { cwd: clone });
  base = await gitOutput(["rev-parse", "HEAD"], { cwd: clone });
});

function row(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    instance_id: "acme__calc-1",
    repo: "acme/calc",
    base_commit: base,
    patch: GOLD,
    test_patch: TEST_PATCH,
    FAIL_TO_PASS: JSON.stringify(["test_calc.py::test_half_of_odd"]),
    PASS_TO_PASS: ["test_calc.py::test_double"],
    problem_statement: "half(3) returns 1\n\nIt should return 1.5.",
    price: "750",
    test_cmd: "python3 -m pytest -rA -p no:cacheprovider test_calc.py",
    ...overrides,
  });
}

describe("readSweBenchJsonl", () => {
  it("resolves owner/name through the repo root, else to GitHub; names what it cannot", () => {
    expect(resolveRepo("acme/calc", repoRoot)).toEqual({ location: clone });
    expect(resolveRepo("other/thing", undefined)).toEqual({
      location: "https://github.com/other/thing.git",
    });
    expect(resolveRepo("https://git.example/x.git", undefined)).toEqual({
      location: "https://git.example/x.git",
    });
    expect(resolveRepo("other/thing", repoRoot)).toEqual({
      problem: expect.stringContaining("no clone of other/thing under --repo-root") as string,
    });
    expect(resolveRepo("../etc", repoRoot)).toEqual({
      problem: '"../etc" is not owner/name; expected owner/name or a git URL',
    });
  });

  it("imports a row whose gold patch then passes the hidden tests and whose base fails them", async () => {
    const { tasks, problems } = await readSweBenchJsonl(`${row()}\n`, { repoRoot });
    expect(problems).toEqual([]);
    expect(tasks[0]!.task).toMatchObject({
      id: "acme__calc-1",
      kind: "ic",
      title: "half(3) returns 1",
      price_cents: 75_000,
      source: { repo: clone, commit: base },
      hidden: { test: { format: "pytest", fail_to_pass: ["test_calc.py::test_half_of_odd"] } },
    });
    const bankDir = path.join(root, "bank");
    await writeBank(bankDir, tasks);
    const [bankTask] = await loadBank(bankDir);
    const options = { runs: 1, cacheDir: path.join(root, "cache"), workRoot: root };
    expect((await gradeIc(bankTask!, { ...options, patch: GOLD })).verdict).toBe("pass");
    const baseGrade = await gradeIc(bankTask!, { ...options, patch: "" });
    expect(baseGrade).toMatchObject({ verdict: "fail", reason: "tests-failed" });
    // Editing the tests the hidden patch brings is tampering.
    const tamper = await gradeIc(bankTask!, { ...options, patch: TEST_PATCH });
    expect(tamper.reason).toBe("tamper");
  });

  it("names each bad line and field, including a base commit missing from the local clone", async () => {
    const text = [
      row(),
      "{not json",
      row({ instance_id: "acme__calc-2", FAIL_TO_PASS: 5 }),
      row({ instance_id: "acme__calc-3", base_commit: "0".repeat(40) }),
      row({ instance_id: "acme__calc-4", price: "a lot" }),
      row(),
    ].join("\n");
    const { tasks, problems } = await readSweBenchJsonl(text, { repoRoot });
    expect(tasks.map((t) => t.task.id)).toEqual(["acme__calc-1"]);
    expect(problems.map((p) => [p.line, p.id, p.problems.map((x) => x.field).join(",")])).toEqual([
      [2, undefined, "(line)"],
      [3, "acme__calc-2", "FAIL_TO_PASS"],
      [4, "acme__calc-3", "base_commit"],
      [5, "acme__calc-4", "price"],
      [6, "acme__calc-1", "instance_id"],
    ]);
  });

  it("marks rows without a test command as graded elsewhere and uses the default price", async () => {
    const { tasks } = await readSweBenchJsonl(row({ test_cmd: undefined, price: undefined }), {
      repoRoot,
      defaultPriceCents: 12_300,
    });
    expect(tasks[0]!.task.price_cents).toBe(12_300);
    expect(tasks[0]!.task.hidden.graded_externally).toMatch(/no test_cmd/);
  });
});

describe("readSweBenchJsonl: environments", () => {
  it("takes pre_install and install_cmd (or install) as install steps and build_cmd as the build", async () => {
    const { tasks, problems } = await readSweBenchJsonl(
      [
        row({ pre_install: ["apt-get --version"], install_cmd: "npm ci", build_cmd: "npx tsc" }),
        row({ instance_id: "acme__calc-2", install: ["pip install -e ."] }),
      ].join("\n"),
      { repoRoot },
    );
    expect(problems).toEqual([]);
    expect(tasks[0]!.task.environment).toMatchObject({
      install: ["apt-get --version", "npm ci"],
      build: ["npx tsc"],
    });
    expect(tasks[1]!.task.environment).toMatchObject({ install: ["pip install -e ."], build: [] });
  });

  it("lists fields it does not use once, instead of dropping them silently", async () => {
    const text = [
      row({ version: "1.2", created_at: "2024-01-01", hints_text: "" }),
      row({ instance_id: "acme__calc-2", version: "1.3", environment_setup_commit: base }),
    ].join("\n");
    const { ignored } = await readSweBenchJsonl(text, { repoRoot });
    expect(ignored).toEqual(["created_at", "environment_setup_commit", "hints_text", "version"]);
  });

  it("fills in what rows lack from a profile table, per repository and version", async () => {
    const profiles = RepoProfiles.parse({
      "acme/calc": {
        install: "pip install -e .",
        test_cmd: "python3 -m pytest -rA",
        versions: {
          "2.0": { install: ["make deps"], test_format: "junit", test_results: "r.xml" },
        },
      },
    });
    const text = [
      row({ test_cmd: undefined }),
      row({ instance_id: "acme__calc-2", test_cmd: undefined, version: "2.0" }),
      row({ instance_id: "acme__calc-3", install_cmd: "uv sync", version: 2.0 }),
    ].join("\n");
    const { tasks, problems, ignored } = await readSweBenchJsonl(text, { repoRoot, profiles });
    expect(problems).toEqual([]);
    expect(ignored).toEqual([]);
    const [plain, versioned, own] = tasks.map((t) => t.task);
    expect(plain!.environment?.install).toEqual(["pip install -e ."]);
    expect(plain!.hidden.test).toMatchObject({
      command: "python3 -m pytest -rA",
      format: "pytest",
    });
    expect(versioned!.environment?.install).toEqual(["make deps"]);
    expect(versioned!.hidden.test).toMatchObject({
      command: "python3 -m pytest -rA",
      format: "junit",
      results: "r.xml",
    });
    // The row's own commands win over the profile's.
    expect(own!.environment?.install).toEqual(["uv sync"]);
    expect(own!.hidden.test?.command).toBe(
      "python3 -m pytest -rA -p no:cacheprovider test_calc.py",
    );
  });

  it("keeps a row's container image in the task's environment", async () => {
    const { tasks, problems } = await readSweBenchJsonl(row({ image: "node:24-bookworm" }), {
      repoRoot,
    });
    expect(problems).toEqual([]);
    expect(tasks[0]!.task.environment).toMatchObject({ image: "node:24-bookworm" });
  });

  it("names an image that docker would read as an option", async () => {
    const { problems } = await readSweBenchJsonl(row({ image: "--privileged" }), { repoRoot });
    expect(problems[0]!.problems).toEqual([
      { field: "image", message: expect.stringContaining("expected an image reference") as string },
    ]);
  });
});

describe("isRemoteLocation", () => {
  it("tells remotes from folders, including folders with @ in their names", async () => {
    const { isRemoteLocation } = await import("../../../src/core/git/remote-location.ts");
    expect(
      ["https://github.com/a/b.git", "ssh://git@host/a/b", "git@github.com:a/b.git"].map(
        isRemoteLocation,
      ),
    ).toEqual([true, true, true]);
    expect(["repos/a@b", "/srv/git/a", "../clones/acme__calc"].map(isRemoteLocation)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
