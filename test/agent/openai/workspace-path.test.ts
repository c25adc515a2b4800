import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveInWorkspace } from "../../../src/agent/openai/workspace-path.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const dir = tempDir();
const root = path.join(dir, "repo");
const outside = path.join(dir, "outside");
mkdirSync(path.join(root, "src"), { recursive: true });
mkdirSync(path.join(root, ".git"), { recursive: true });
mkdirSync(outside, { recursive: true });
writeFileSync(path.join(root, "src", "a.js"), "a\n");
writeFileSync(path.join(outside, "secret.txt"), "secret\n");
symlinkSync(outside, path.join(root, "escape"));
symlinkSync(path.join(outside, "secret.txt"), path.join(root, "secret-link"));
symlinkSync(path.join(outside, "not-yet"), path.join(root, "dangling"));
symlinkSync("src", path.join(root, "inner-link"));

describe("resolveInWorkspace", () => {
  it("resolves paths inside the workspace, existing or new", async () => {
    await expect(resolveInWorkspace(root, "src/a.js")).resolves.toEqual({
      absolute: path.join(root, "src", "a.js"),
      relative: "src/a.js",
    });
    await expect(resolveInWorkspace(root, "./src/../src/new/b.js")).resolves.toMatchObject({
      relative: "src/new/b.js",
    });
    await expect(resolveInWorkspace(root, ".")).resolves.toMatchObject({ relative: "." });
    await expect(resolveInWorkspace(root, "inner-link/a.js")).resolves.toMatchObject({
      relative: "inner-link/a.js",
    });
  });

  it("refuses paths that leave the workspace, with a message naming the path", async () => {
    await expect(resolveInWorkspace(root, "../outside/secret.txt")).rejects.toThrow(
      "../outside/secret.txt: outside the repository (paths must stay inside it)",
    );
    await expect(resolveInWorkspace(root, "src/../../x")).rejects.toThrow("outside the repository");
    await expect(resolveInWorkspace(root, "/etc/passwd")).rejects.toThrow(
      "/etc/passwd: use a path relative to the repository root",
    );
    await expect(resolveInWorkspace(root, "")).rejects.toThrow("expected a non-empty path");
  });

  it("refuses symbolic links that lead outside, dangling ones, and .git", async () => {
    await expect(resolveInWorkspace(root, "escape/secret.txt")).rejects.toThrow(
      "escape/secret.txt: leads outside the repository through a symbolic link",
    );
    await expect(resolveInWorkspace(root, "escape/new-file")).rejects.toThrow("symbolic link");
    await expect(resolveInWorkspace(root, "secret-link")).rejects.toThrow("symbolic link");
    await expect(resolveInWorkspace(root, "dangling")).rejects.toThrow(
      "dangling: goes through a symbolic link that leads nowhere",
    );
    await expect(resolveInWorkspace(root, ".git/config")).rejects.toThrow(
      ".git/config: the .git folder is off limits",
    );
  });
});
