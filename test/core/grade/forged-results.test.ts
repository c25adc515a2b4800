import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { runLancer } from "../../helpers/run-lancer.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * Forged passes (issue 16, attacks 1 and 2): the candidate's code, imported by the hidden
 * tests, makes the runner report success without fixing anything. Each is graded through the
 * real `lancer grade`; the control (canaries turned off) shows the attack really forges a pass.
 */
const FIXTURES = path.resolve(import.meta.dirname, "../../../fixtures/tasks");
const root = tempDir("lancer-forged-");

/** Every function of node:assert and node:assert/strict made a no-op, ESM bindings too. */
const DISABLE_ASSERT = `
import { createRequire as attackRequire, syncBuiltinESMExports } from "node:module";
{
  const req = attackRequire(import.meta.url);
  for (const id of ["node:assert", "node:assert/strict"]) {
    const mod = req(id);
    for (const key of Object.keys(mod)) if (typeof mod[key] === "function") mod[key] = () => {};
  }
  syncBuiltinESMExports();
}
`;

/**
 * At collection: PASSED lines for every test function found in the test files, written to
 * pytest's saved stdout (every pipe or socket it holds), then an exit before pytest reports anything.
 */
const PRINT_PASSED = `
import glob as _g, os as _os, re as _re, stat as _st
def _forge():
    lines = []
    for f in sorted(_g.glob("tests/**/test_*.py", recursive=True)):
        for name in _re.findall(r"^def (test_\\w+)", open(f).read(), _re.M):
            lines.append("PASSED %s::%s\\n" % (f, name))
    out = ("=" * 10 + " short test summary info " + "=" * 10 + "\\n" + "".join(lines)).encode()
    for fd in range(1, 64):
        try:
            mode = _os.fstat(fd).st_mode
            if _st.S_ISFIFO(mode) or _st.S_ISSOCK(mode):
                _os.write(fd, out)
        except OSError:
            pass
    _os._exit(0)
_forge()
`;

/** A bank holding one fixture task, with its canaries on or off, and a patch appending `code`. */
async function forgedCase(task: string, file: string, code: string, canaries: boolean) {
  const dir = path.join(root, `${task}-${canaries ? "on" : "off"}`);
  const bankTask = path.join(dir, "bank", task);
  cpSync(path.join(FIXTURES, task), bankTask, { recursive: true });
  if (!canaries) {
    const yaml = path.join(bankTask, "task.yaml");
    writeFileSync(
      yaml,
      readFileSync(yaml, "utf8").replace(/^ {2}test:\n/m, "  test:\n    canaries: false\n"),
    );
  }
  const before = readFileSync(path.join(FIXTURES, task, "source", file), "utf8");
  for (const [side, text] of [
    ["a", before],
    ["b", `${before}${code}`],
  ] as const) {
    const target = path.join(dir, side, file);
    cpSync(path.join(FIXTURES, task, "source", file), target);
    writeFileSync(target, text);
  }
  const diff = await execa("git", ["diff", "--no-index", `a/${file}`, `b/${file}`], {
    cwd: dir,
    reject: false,
  });
  const patch = path.join(dir, "forged.patch");
  writeFileSync(patch, `${diff.stdout.replaceAll("a/a/", "a/").replaceAll("b/b/", "b/")}\n`);
  const result = await runLancer(
    ["grade", path.join(dir, "bank"), task, "--patch", patch, "--runs", "3", "--json"],
    { env: { LANCER_CACHE_DIR: path.join(root, "cache") } },
  );
  return {
    exitCode: result.exitCode,
    grade: JSON.parse(result.stdout) as {
      verdict: string;
      reason: string;
      detail: string;
      payout_cents: number | null;
      runs: Array<{ verdict: string; reason: string }>;
      defences?: { canaries: { planted: number; confirmed: number } };
    },
  };
}

describe("forged passes from inside the test process", () => {
  it("a module that turns node:assert into no-ops is caught by a must-fail canary", async () => {
    const control = await forgedCase("js-slugify-accents", "src/charmap.js", DISABLE_ASSERT, false);
    expect(control.grade).toMatchObject({ verdict: "pass", payout_cents: 25000 });

    const { grade, exitCode } = await forgedCase(
      "js-slugify-accents",
      "src/charmap.js",
      DISABLE_ASSERT,
      true,
    );
    expect(grade).toMatchObject({ verdict: "fail", reason: "results-forged", payout_cents: 0 });
    expect(grade.detail).toMatch(
      /^results forged: canary test_\w+ \(must fail\) was reported passed$/,
    );
    expect(grade.runs.map((r) => r.reason)).toEqual([
      "results-forged",
      "results-forged",
      "results-forged",
    ]);
    expect(grade.defences?.canaries.planted).toBe(12);
    expect(exitCode).toBe(1);
  });

  it("PASSED lines printed to pytest's stdout before os._exit(0) count for nothing, and the canaries name the forgery", async () => {
    const control = await forgedCase(
      "py-dotenv-inline-comments",
      "envfile/__init__.py",
      PRINT_PASSED,
      false,
    );
    // Without canaries, pytest's own JUnit report (never written) is the only evidence.
    expect(control.grade).toMatchObject({
      verdict: "error",
      reason: "no-evidence",
      payout_cents: null,
      detail: "the test command (exit 0) did not write pytest's JUnit report",
    });

    const { grade, exitCode } = await forgedCase(
      "py-dotenv-inline-comments",
      "envfile/__init__.py",
      PRINT_PASSED,
      true,
    );
    expect(grade).toMatchObject({ verdict: "fail", reason: "results-forged", payout_cents: 0 });
    expect(grade.detail).toMatch(
      /^results forged: the test command exited 0 although canary test_\w+ must fail$/,
    );
    expect(exitCode).toBe(1);
  });
});
