import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git, gitOutput } from "../../src/core/git/git.ts";
import { runLancer } from "../helpers/run-lancer.ts";
import { liteCsv } from "../helpers/swe-lancer-rows.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { expectNamedError, makeSentinels, snapshotTree } from "./harness.ts";

/**
 * `lancer import` with bad rows, files and flags: each is refused in one line naming the
 * file, line, id and field (or the flag), exits 1, and leaves every folder as it was.
 */
const parent = tempDir("lancer-bad-import-");
const repoRoot = path.join(parent, "repos");
const clone = path.join(repoRoot, "acme__calc");
let base = "";

beforeAll(async () => {
  mkdirSync(clone, { recursive: true });
  writeFileSync(path.join(clone, "calc.py"), "def half(x):\n    return x // 2\n");
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
    patch:
      "diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def half(x):\n-    return x // 2\n+    return x / 2\n",
    test_patch: "",
    FAIL_TO_PASS: ["test_calc.py::test_half_of_odd"],
    PASS_TO_PASS: [],
    problem_statement: "half(3) returns 1",
    price: "750",
    test_cmd: "python3 -m pytest -rA test_calc.py",
    ...overrides,
  });
}

interface Case {
  root: string;
  input: string;
  out: string;
  sentinels: ReturnType<typeof makeSentinels>;
}

function makeCase(name: string, text: string): Case {
  const root = mkdtempSync(path.join(parent, "case-"));
  const input = path.join(root, name);
  writeFileSync(input, text);
  return {
    root,
    input,
    out: path.join(root, "bank"),
    sentinels: makeSentinels(path.join(root, "sentinels")),
  };
}

/** Runs an import expected to be refused and checks it left every folder as it was. */
async function refused(c: Case, args: string[], ...culprits: (string | RegExp)[]) {
  const before = snapshotTree(c.root);
  const reposBefore = snapshotTree(repoRoot);
  const result = await runLancer(["import", c.input, ...args]);
  expect(result.exitCode, result.stderr).toBe(1);
  expectNamedError(result.stderr, ...culprits);
  expect(snapshotTree(c.root)).toEqual(before);
  expect(snapshotTree(repoRoot)).toEqual(reposBefore);
  c.sentinels.check();
  return result;
}

describe("lancer import: SWE-bench JSONL rows", () => {
  it("imports the good row (the baseline the bad ones differ from)", async () => {
    const c = makeCase("ok.jsonl", `${row()}\n`);
    const result = await runLancer(["import", c.input, "--out", c.out, "--repo-root", repoRoot]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("1 tasks (1 IC, 0 manager)");
  });

  it("refuses a repo that climbs out of --repo-root", async () => {
    const c = makeCase("in.jsonl", `${row({ repo: "../../sentinels" })}\n`);
    await refused(
      c,
      ["--out", c.out, "--repo-root", repoRoot],
      "in.jsonl:1 (id acme__calc-1): repo:",
      '"../../sentinels" is not owner/name',
    );
  });

  it("refuses a repo given as an absolute path", async () => {
    const c = makeCase("in.jsonl", "");
    writeFileSync(c.input, `${row({ repo: c.sentinels.dir })}\n`);
    await refused(c, ["--out", c.out, "--repo-root", repoRoot], ":1 (id acme__calc-1): repo:");
  });

  it("refuses a repo that would be read as a git option", async () => {
    const c = makeCase("in.jsonl", `${row({ repo: "--upload-pack=touch x" })}\n`);
    await refused(c, ["--out", c.out], ":1 (id acme__calc-1): repo:", "is not owner/name");
  });

  it("names a repo with no clone under --repo-root instead of going to the network", async () => {
    const c = makeCase("in.jsonl", `${row({ repo: "acme/missing" })}\n`);
    await refused(
      c,
      ["--out", c.out, "--repo-root", repoRoot],
      "repo: no clone of acme/missing under --repo-root",
    );
  });

  it("refuses a clone under --repo-root that is a symbolic link leading out", async () => {
    const c = makeCase("in.jsonl", `${row({ repo: "evil/link" })}\n`);
    const link = path.join(repoRoot, "evil__link");
    symlinkSync(c.sentinels.dir, link);
    try {
      await refused(c, ["--out", c.out, "--repo-root", repoRoot], "leads outside --repo-root");
    } finally {
      await import("node:fs/promises").then((fs) => fs.rm(link));
    }
  });

  it("names a --repo-root that does not exist", async () => {
    const c = makeCase("in.jsonl", `${row()}\n`);
    await refused(
      c,
      ["--out", c.out, "--repo-root", path.join(c.root, "nowhere")],
      /--repo-root: .*nowhere does not exist/,
    );
  });

  it("names a --repo-root that is a file", async () => {
    const c = makeCase("in.jsonl", `${row()}\n`);
    await refused(c, ["--out", c.out, "--repo-root", c.input], /--repo-root: .* is a file/);
  });

  it("says a JSON array is not JSON Lines", async () => {
    const c = makeCase("in.jsonl", `[\n  ${row()}\n]\n`);
    await refused(c, ["--out", c.out], "in.jsonl: holds a JSON array; expected JSON Lines");
  });

  it("says an object spread over several lines is not one per line", async () => {
    const c = makeCase("in.jsonl", `${JSON.stringify(JSON.parse(row()), null, 2)}\n`);
    await refused(
      c,
      ["--out", c.out],
      "in.jsonl:1: (line): not a JSON object",
      "one JSON object per line",
    );
  });

  it("names a line that is JSON but not an object", async () => {
    const c = makeCase("in.jsonl", `${row()}\n[1, 2]\n`);
    await refused(
      c,
      ["--out", c.out, "--repo-root", repoRoot],
      "in.jsonl:2: (line): expected one JSON object per line, got an array",
    );
  });

  it("refuses a row that cannot fail: no FAIL_TO_PASS test", async () => {
    const c = makeCase("in.jsonl", `${row({ FAIL_TO_PASS: "[]", PASS_TO_PASS: "[]" })}\n`);
    await refused(
      c,
      ["--out", c.out, "--repo-root", repoRoot],
      "in.jsonl:1 (id acme__calc-1): FAIL_TO_PASS:",
      "the task cannot fail",
    );
  });

  it("refuses a test_results path that climbs out of the workspace", async () => {
    const c = makeCase("in.jsonl", `${row({ test_results: "../../../sentinels/sentinel.txt" })}\n`);
    await refused(
      c,
      ["--out", c.out, "--repo-root", repoRoot],
      "(id acme__calc-1): hidden.test.results:",
      "climbs out",
    );
  });

  it("refuses an instance_id that is not a safe folder name", async () => {
    const c = makeCase("in.jsonl", `${row({ instance_id: "../escape" })}\n`);
    await refused(c, ["--out", c.out, "--repo-root", repoRoot], "(id ../escape): id:");
  });

  it("names a base_commit that is not hex", async () => {
    const c = makeCase("in.jsonl", `${row({ base_commit: "main" })}\n`);
    await refused(
      c,
      ["--out", c.out, "--repo-root", repoRoot],
      "base_commit: expected a hex commit id",
    );
  });

  it("names a base_commit missing from the local clone", async () => {
    const c = makeCase(
      "in.jsonl",
      `${row({ base_commit: "0123456789abcdef0123456789abcdef01234567" })}\n`,
    );
    await refused(
      c,
      ["--out", c.out, "--repo-root", repoRoot],
      /base_commit: not found in .*acme__calc/,
    );
  });

  it("names a duplicate instance_id by its second line", async () => {
    const c = makeCase("in.jsonl", `${row()}\n${row()}\n`);
    await refused(
      c,
      ["--out", c.out, "--repo-root", repoRoot],
      'in.jsonl:2 (id acme__calc-1): instance_id: "acme__calc-1" appears on an earlier line',
    );
  });

  it("names a row missing the gold patch", async () => {
    const c = makeCase("in.jsonl", `${row({ patch: "" })}\n`);
    await refused(c, ["--out", c.out, "--repo-root", repoRoot], "patch: expected the gold patch");
  });

  it("refuses a file with no rows at all", async () => {
    const c = makeCase("in.jsonl", "\n\n");
    await refused(c, ["--out", c.out], "in.jsonl: holds no task to import; nothing was written");
  });

  it("refuses --skip-invalid when no row is valid", async () => {
    const c = makeCase("in.jsonl", `${row({ base_commit: "zz" })}\n`);
    await refused(c, ["--out", c.out, "--skip-invalid"], "none of its 1 row(s) is valid");
  });
});

describe("lancer import: SWE-Lancer CSV rows", () => {
  it("names a header that is neither column set", async () => {
    const c = makeCase("tasks.csv", "id,price\n1,2\n");
    await refused(c, ["--out", c.out], "tasks.csv:", "question_id");
  });

  it("names a price that is not a dollar amount", async () => {
    const c = makeCase("tasks.csv", liteCsv({ 1: { price: "lots" } }));
    await refused(c, ["--out", c.out], /tasks\.csv:\d+ \(id 101_2\): price:/);
  });

  it("refuses a question_id that is not a safe folder name", async () => {
    const c = makeCase("tasks.csv", liteCsv({ 0: { question_id: "../../sentinels" } }));
    await refused(c, ["--out", c.out], /tasks\.csv:\d+ \(id \.\.\/\.\.\/sentinels\)/);
  });

  it("names manager_data that is not a Python literal", async () => {
    const c = makeCase("tasks.csv", liteCsv({ 2: { manager_data: "{'game': [" } }));
    await refused(c, ["--out", c.out], /tasks\.csv:\d+ \(id 200-manager-0\): manager_data:/);
  });

  it("refuses a CSV holding only its header", async () => {
    const c = makeCase("tasks.csv", `${liteCsv().split("\n")[0]}\n`);
    await refused(c, ["--out", c.out], "tasks.csv: holds no task to import");
  });
});

describe("lancer import: files and flags", () => {
  it("names --out under a regular file, and makes nothing", async () => {
    const c = makeCase("tasks.csv", liteCsv());
    await refused(
      c,
      ["--out", path.join(c.input, "bank")],
      /--out: .*tasks\.csv\/bank cannot be made: .*tasks\.csv is a file, not a folder/,
    );
  });

  it("names --out that is a file", async () => {
    const c = makeCase("tasks.csv", liteCsv());
    await refused(c, ["--out", c.input], /--out: .*tasks\.csv is a file; expected a folder/);
  });

  it("refuses to replace a bank without --force", async () => {
    const c = makeCase("tasks.csv", liteCsv());
    mkdirSync(c.out);
    writeFileSync(path.join(c.out, "keep.txt"), "mine\n");
    await refused(c, ["--out", c.out], "exists and is not empty (use --force to replace it)");
  });

  it("names an input file that does not exist", async () => {
    const c = makeCase("tasks.csv", "");
    await refused(
      { ...c, input: path.join(c.root, "missing.csv") },
      ["--out", c.out],
      /missing\.csv cannot be read/,
    );
  });

  it("names an input that is a folder", async () => {
    const c = makeCase("tasks.csv", "");
    const folder = path.join(c.root, "folder.csv");
    mkdirSync(folder);
    await refused({ ...c, input: folder }, ["--out", c.out], /folder\.csv cannot be read/);
  });

  it("asks for --format when the name does not tell", async () => {
    const c = makeCase("tasks.txt", liteCsv());
    await refused(c, ["--out", c.out], "cannot tell the format of", "pass --format");
  });

  it("names a --format that does not exist", async () => {
    const c = makeCase("tasks.csv", liteCsv());
    await refused(c, ["--out", c.out, "--format", "xlsx"], "--format <format>", "xlsx");
  });

  it("names a --profiles key that is not owner/name and a field it does not know", async () => {
    const c = makeCase("in.jsonl", `${row()}\n`);
    const profiles = path.join(c.root, "profiles.yaml");
    writeFileSync(profiles, "calc:\n  install: npm ci\nacme/calc:\n  instal: npm ci\n");
    await refused(
      c,
      ["--out", c.out, "--profiles", profiles],
      /--profiles: .*profiles\.yaml: calc: expected owner\/name/,
      /--profiles: .*profiles\.yaml: acme\/calc: Unrecognized key: "instal"/,
    );
  });

  it("names a --profiles file that is not YAML", async () => {
    const c = makeCase("in.jsonl", `${row()}\n`);
    const profiles = path.join(c.root, "profiles.yaml");
    writeFileSync(profiles, "acme/calc: [unclosed\n");
    await refused(
      c,
      ["--out", c.out, "--profiles", profiles],
      /--profiles: .*profiles\.yaml: not valid YAML/,
    );
  });

  it("names a --default-price that is not a dollar amount", async () => {
    const c = makeCase("in.jsonl", `${row()}\n`);
    await refused(
      c,
      ["--out", c.out, "--default-price", "free"],
      "--default-price",
      "a dollar amount",
    );
  });
});
