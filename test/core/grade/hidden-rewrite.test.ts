import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLancer } from "../../helpers/run-lancer.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

/**
 * A forged pass (issue 16, attack 3): the candidate's module, imported by the hidden tests,
 * rewrites the hidden test files on disk so that every assertion becomes a no-op. The run
 * that imports it fails, but the next of the 3 runs would read the rewritten files and
 * pass. Graded through the real `lancer grade`, it must end unpaid, naming the files.
 */
const FIXTURE = path.resolve(import.meta.dirname, "../../../fixtures/tasks/js-slugify-accents");
const root = tempDir("lancer-hidden-rewrite-");
const bank = path.join(root, "bank");

const REWRITER = `
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
for (const name of readdirSync("test")) {
  const file = "test/" + name;
  const text = readFileSync(file, "utf8");
  if (text.includes("assert.")) writeFileSync(file, text.replace(/assert\\.\\w+\\(/g, "void ("));
}
`;

describe("hidden test files rewritten by the candidate's code", () => {
  it("end the grading unpaid as tampering after the run that changed them", async () => {
    cpSync(FIXTURE, path.join(bank, "js-slugify-accents"), { recursive: true });
    const charmap = path.join(FIXTURE, "source", "src", "charmap.js");
    const before = readFileSync(charmap, "utf8");
    const after = `${before}${REWRITER}`;
    const a = path.join(root, "a", "src");
    const b = path.join(root, "b", "src");
    cpSync(path.dirname(charmap), a, { recursive: true });
    cpSync(path.dirname(charmap), b, { recursive: true });
    writeFileSync(path.join(b, "charmap.js"), after);
    const diff = await import("execa").then(({ execa }) =>
      execa("git", ["diff", "--no-index", "a/src/charmap.js", "b/src/charmap.js"], {
        cwd: root,
        reject: false,
      }),
    );
    const patch = path.join(root, "forged.patch");
    writeFileSync(patch, `${diff.stdout.replaceAll("a/a/", "a/").replaceAll("b/b/", "b/")}\n`);

    const result = await runLancer(
      ["grade", bank, "js-slugify-accents", "--patch", patch, "--runs", "3", "--json"],
      { env: { LANCER_CACHE_DIR: path.join(root, "cache") } },
    );
    const grade = JSON.parse(result.stdout) as {
      verdict: string;
      reason: string;
      detail: string;
      runs: Array<{ verdict: string; reason: string }>;
    };
    expect(grade).toMatchObject({ verdict: "fail", reason: "tamper" });
    expect(grade.detail).toMatch(
      /^tampered with hidden tests: test\/charmap\.test\.js, test\/slugify\.test\.js changed during run 1 \(hidden or protected files\)$/,
    );
    expect(grade.runs).toHaveLength(1);
    expect(result.exitCode).toBe(1);
  });
});
