import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { icTools, type Tool } from "../../../src/agent/openai/tools/index.ts";
import { git } from "../../../src/core/git/git.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const dir = tempDir();
const root = path.join(dir, "repo");
const scratch = path.join(dir, "scratch");
const nodeDir = path.dirname(process.execPath);
const tools = icTools({
  root,
  scratchDir: scratch,
  shellTimeoutMs: 2_000,
  maxOutputChars: 2_000,
  pathPrefix: [nodeDir],
});
const tool = (name: string): Tool => tools.find((t) => t.name === name)!;
const run = async (name: string, args: object) => (await tool(name).run(args)).text;
const file = (rel: string) => readFileSync(path.join(root, rel), "utf8");

beforeAll(async () => {
  mkdirSync(path.join(root, "src"), { recursive: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(
    path.join(root, "src", "math.js"),
    "export const add = (a, b) => a - b;\nexport const one = 1;\nexport const uno = 1;\n",
  );
  writeFileSync(path.join(root, "src", "gone.js"), "x\n");
  writeFileSync(path.join(root, "README.md"), "# math (a+b)\n");
  writeFileSync(path.join(root, ".gitignore"), "build/\n");
  writeFileSync(path.join(root, "logo.bin"), Buffer.from([0, 1, 2]));
  await git(["init", "-q", "-b", "main"], { cwd: root });
  await git(["add", "-A"], { cwd: root });
  await git(["commit", "-q", "-m", "base"], { cwd: root });
  mkdirSync(path.join(root, "build"));
  writeFileSync(path.join(root, "build", "out.js"), "ignored\n");
  writeFileSync(path.join(root, "src", "new.js"), "export const fresh = true;\n");
  rmSync(path.join(root, "src", "gone.js"));
});

describe("list_files and search_text", () => {
  it("lists tracked and new files, not ignored or deleted ones", async () => {
    expect(await run("list_files", {})).toBe(
      ".gitignore\nREADME.md\nlogo.bin\nsrc/math.js\nsrc/new.js",
    );
    expect(await run("list_files", { path: "src" })).toBe("src/math.js\nsrc/new.js");
  });

  it("searches fixed strings by default, regular expressions on request", async () => {
    expect(await run("search_text", { pattern: "(a+b)" })).toBe("README.md:1:# math (a+b)");
    expect(await run("search_text", { pattern: "^export const (one|fresh)", regex: true })).toBe(
      "src/math.js:2:export const one = 1;\nsrc/new.js:1:export const fresh = true;",
    );
    expect(await run("search_text", { pattern: "nowhere to be found" })).toBe(
      'no matches for "nowhere to be found"',
    );
    await expect(run("search_text", { pattern: "(", regex: true })).rejects.toThrow(
      "search failed",
    );
  });
});

describe("read_file", () => {
  it("numbers lines and reads ranges", async () => {
    expect(await run("read_file", { path: "src/math.js" })).toBe(
      "1\texport const add = (a, b) => a - b;\n2\texport const one = 1;\n3\texport const uno = 1;\n",
    );
    expect(await run("read_file", { path: "src/math.js", start_line: 2, end_line: 2 })).toBe(
      "2\texport const one = 1;\n[lines 2-2 of 3]",
    );
  });

  it("explains what it cannot read", async () => {
    await expect(run("read_file", { path: "src/math.js", start_line: 9 })).rejects.toThrow(
      "src/math.js has 3 lines; start_line 9 is past the end",
    );
    await expect(run("read_file", { path: "src" })).rejects.toThrow(
      "src: a folder; use list_files",
    );
    await expect(run("read_file", { path: "logo.bin" })).rejects.toThrow("logo.bin: a binary file");
    await expect(run("read_file", { path: "nope.js" })).rejects.toThrow("nope.js: no such file");
    await expect(run("read_file", { start_line: 1 })).rejects.toThrow(
      "invalid arguments for read_file: path:",
    );
  });
});

describe("edit_file", () => {
  it("replaces one exact occurrence, or every one when asked", async () => {
    expect(
      await run("edit_file", { path: "src/math.js", old_text: "a - b", new_text: "a + b" }),
    ).toBe("edited src/math.js (1 replacement)");
    expect(file("src/math.js")).toContain("(a, b) => a + b;");
    await expect(
      run("edit_file", { path: "src/math.js", old_text: "= 1;", new_text: "= 2;" }),
    ).rejects.toThrow("old_text occurs 2 times in src/math.js");
    expect(
      await run("edit_file", {
        path: "src/math.js",
        old_text: "= 1;",
        new_text: "= 2;",
        replace_all: true,
      }),
    ).toBe("edited src/math.js (2 replacements)");
    await expect(
      run("edit_file", { path: "src/math.js", old_text: "a  +  b", new_text: "x" }),
    ).rejects.toThrow("old_text was not found in src/math.js");
  });

  it("creates a new file from an empty old_text, never over an existing one", async () => {
    expect(await run("edit_file", { path: "src/deep/er.js", old_text: "", new_text: "ok\n" })).toBe(
      "created src/deep/er.js",
    );
    expect(file("src/deep/er.js")).toBe("ok\n");
    await expect(
      run("edit_file", { path: "README.md", old_text: "", new_text: "x" }),
    ).rejects.toThrow("README.md already exists");
    await expect(
      run("edit_file", { path: "../x.js", old_text: "", new_text: "x" }),
    ).rejects.toThrow("outside the repository");
  });
});

describe("apply_patch", () => {
  const patch = (from: string, to: string) =>
    `diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-${from}\n+${to}\n`;

  it("applies a unified diff", async () => {
    expect(await run("apply_patch", { patch: patch("# math (a+b)", "# math") })).toMatch(
      /^applied:\nREADME.md \| +2 \+-/,
    );
    expect(file("README.md")).toBe("# math\n");
  });

  it("changes nothing and says why when a hunk does not apply or a path leaves the repository", async () => {
    await expect(run("apply_patch", { patch: patch("# other", "# x") })).rejects.toThrow(
      /the patch does not apply, nothing was changed:\nerror: patch failed: README.md:1/,
    );
    expect(file("README.md")).toBe("# math\n");
    const escape =
      "diff --git a/../evil.txt b/../evil.txt\nnew file mode 100644\n--- /dev/null\n+++ b/../evil.txt\n@@ -0,0 +1 @@\n+evil\n";
    await expect(run("apply_patch", { patch: escape })).rejects.toThrow(
      "invalid path '../evil.txt'",
    );
  });
});

describe("run_shell", () => {
  it("runs at the root with the given Node first on PATH and no secrets in the environment", async () => {
    process.env.OPENAI_API_KEY = "sk-must-not-leak";
    try {
      const text = await run("run_shell", {
        command: 'pwd; command -v node; echo "key=${OPENAI_API_KEY:-none}"; echo oops >&2; exit 3',
      });
      expect(text).toBe(
        `exit code 3\n--- stdout ---\n${root}\n${path.join(nodeDir, "node")}\nkey=none\n\n--- stderr ---\noops\n`,
      );
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  it("kills a command at its time limit and caps its output", async () => {
    const started = performance.now();
    const slow = await run("run_shell", { command: "sleep 30", timeout_seconds: 0.5 });
    expect(slow).toMatch(/^timed out after 0.5 s \(the command and its children were killed\)/);
    expect(performance.now() - started).toBeLessThan(10_000);
    const loud = await run("run_shell", { command: "head -c 50000 /dev/zero | tr '\\0' 'x'" });
    expect(loud.length).toBeLessThan(2_200);
    expect(loud).toContain("characters cut ...]");
  });
});
