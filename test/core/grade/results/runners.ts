import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";

/** Test helpers: real runs of node:test, pytest, vitest and bash whose output the parsers read. */

const VITEST_BIN = join(import.meta.dirname, "../../../../node_modules/.bin/vitest");

/** A node:test file covering pass, fail, skip, todo, nesting and awkward names. */
export const NODE_TESTS = String.raw`
import { test, describe } from "node:test";
import assert from "node:assert";
test("top passes", () => {});
test("top fails", () => { assert.strictEqual(1, 2); });
test("skipped one", { skip: "not now" }, () => {});
test("todo one", { todo: true }, () => { throw new Error("x"); });
describe("outer suite", () => {
  describe('inner "quoted" > arrow ünïcödé ✓', () => {
    test("deep pass", () => {});
    test("deep <fail> & stuff", () => { throw new Error('boom <&> "q"'); });
  });
  test("parent with sub", async (t) => {
    await t.test("sub ok", () => {});
  });
});
test("parent fails after children pass", async (t) => {
  await t.test("child ok", () => {});
  throw new Error("parent boom");
});
describe("suite # hash", () => {
  test("back\\slash", () => {});
});
test("prints noise", () => { console.log("ok 99 - fake"); console.log("not ok 98 - fake"); });
`;

/** A node:test file that does not even parse. */
export const NODE_BROKEN = `import { test } from "node:test";\ntest("x", () => { ;;;\n`;

/** A pytest module covering pass, fail, skip, xfail/xpass, parametrised ids, classes, errors. */
export const PYTEST_TESTS = String.raw`
import pytest

def test_pass():
    assert True

def test_fail():
    assert 1 == 2, "one is not two"

@pytest.mark.skip(reason="not now")
def test_skip():
    pass

@pytest.mark.xfail(reason="known bug")
def test_xfail():
    assert False

@pytest.mark.xfail(reason="fixed?")
def test_xpass():
    assert True

@pytest.mark.parametrize("a,b", [(1, 2), (3, 3), ("x y", "z")])
def test_param(a, b):
    assert a != b

@pytest.mark.parametrize("s", ["ünï ✓", "a > b", 'q"uote', "a - b"])
def test_weird(s):
    assert s != "a - b", "dash"

class TestGroup:
    def test_method(self):
        pass

@pytest.fixture
def broken():
    raise RuntimeError("fixture broke")

def test_uses_broken(broken):
    pass
`;

/** A pytest module with a syntax error. */
export const PYTEST_BROKEN = "def test_x(:\n    pass\n";

/** Write `files` (relative path → content) into a fresh temp dir and return its path. */
export function tempDir(files: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "lancer-results-")));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** Remove a dir made by {@link tempDir}. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Environment without the outer vitest's variables, so nested runners behave as from a shell. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = { PYTHONDONTWRITEBYTECODE: "1", NO_COLOR: "1" };
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(VITEST|NODE_OPTIONS|NODE_TEST|FORCE_COLOR|TEST$)/.test(key))
      continue;
    env[key] = value;
  }
  return env;
}

/** Run a command in `cwd` and return its stdout, whatever its exit code. */
export async function stdoutOf(command: string, args: string[], cwd: string): Promise<string> {
  const result = await execa(command, args, {
    cwd,
    reject: false,
    env: cleanEnv(),
    extendEnv: false,
  });
  if (result.stdout === "" && result.stderr !== "") {
    throw new Error(`${command} ${args.join(" ")} printed nothing on stdout: ${result.stderr}`);
  }
  return result.stdout;
}

/** `node --test --test-reporter=<reporter>` on the given files, with Node 24 (`process.execPath`). */
export function nodeTest(reporter: "tap" | "junit", files: string[], cwd: string): Promise<string> {
  return stdoutOf(process.execPath, ["--test", `--test-reporter=${reporter}`, ...files], cwd);
}

/** `python3 -m pytest <args>` without the cache plugin. */
export function pytest(args: string[], cwd: string): Promise<string> {
  return stdoutOf("python3", ["-m", "pytest", "-p", "no:cacheprovider", ...args], cwd);
}

/**
 * `vitest run --reporter=json` on a temp dir holding its own (empty) `vitest.config.mjs`; returns
 * the report file's text and what vitest printed.
 */
export async function vitestJson(cwd: string): Promise<{ report: string; stdout: string }> {
  writeFileSync(join(cwd, "vitest.config.mjs"), "export default {};\n");
  const out = join(cwd, "report.json");
  const args = ["run", "--root", cwd, "--reporter=json", `--outputFile=${out}`];
  const stdout = await stdoutOf(VITEST_BIN, args, cwd);
  return { report: readFileSync(out, "utf8"), stdout };
}
