import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { git, gitOutput } from "../../../src/core/git/git.ts";
import { reversePatch } from "../../../src/core/swe-lancer/reverse-patch.ts";
import { localRepo } from "../../helpers/local-git.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

describe("reversePatch", () => {
  it("undoes a git diff with edits, a new file, a deleted file and no final newline", async () => {
    const repo = await localRepo(path.join(tempDir(), "r"));
    const before = {
      "a.js": "one\ntwo\nthree\n",
      "gone.txt": "bye\n",
      "tail.txt": "no newline",
    };
    const base = await repo.commit(before, "base");
    await repo.commit(
      { "a.js": "one\n2\nthree\nfour\n", "gone.txt": null, "new.txt": "hi\n", "tail.txt": "x" },
      "change",
    );
    const patch = await gitOutput(["diff", base, "HEAD"], { cwd: repo.dir });
    const reversed = reversePatch(`${patch}\n`);
    expect(reversed).toBeDefined();
    await git(["apply", "-"], { cwd: repo.dir, input: reversed! });
    for (const [file, text] of Object.entries(before))
      expect(readFileSync(path.join(repo.dir, file), "utf8")).toBe(text);
    expect(existsSync(path.join(repo.dir, "new.txt"))).toBe(false);
  });

  it("gives nothing for a binary diff, which it cannot turn around", () => {
    expect(reversePatch("diff --git a/x.png b/x.png\nGIT binary patch\nliteral 1\n")).toBe(
      undefined,
    );
  });
});
