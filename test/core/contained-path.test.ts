import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  relativePathProblem,
  resolveInside,
  workspaceGlobProblem,
} from "../../src/core/paths/contained-path.ts";
import { tempDir } from "../helpers/temp-dir.ts";

describe("the containment rule", () => {
  it("keeps relative paths and refuses absolute, climbing and NUL ones", () => {
    for (const ok of ["a", "a/b.xml", "./a", "a/../b", "a/.."])
      expect(relativePathProblem(ok)).toBeUndefined();
    expect(relativePathProblem("/etc/passwd")).toContain("is absolute");
    expect(relativePathProblem("C:\\x")).toContain("is absolute");
    expect(relativePathProblem("../x")).toContain("climbs out");
    expect(relativePathProblem("a/../../x")).toContain("climbs out");
    expect(relativePathProblem("a\\..\\..\\x")).toContain("climbs out");
    expect(relativePathProblem("a\0b")).toContain("NUL");
    expect(relativePathProblem("")).toContain("empty");
  });

  it("refuses globs that can never match a workspace path", () => {
    expect(workspaceGlobProblem("test/**")).toBeUndefined();
    expect(workspaceGlobProblem("../../**")).toContain('".." part');
    expect(workspaceGlobProblem("/etc/**")).toContain("is absolute");
  });

  it("resolves through links that stay inside and refuses links that leave", async () => {
    const dir = tempDir();
    const root = path.join(dir, "root");
    const outside = path.join(dir, "outside");
    mkdirSync(path.join(root, "real"), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(outside, "secret"), "x");
    symlinkSync("real", path.join(root, "inner"));
    symlinkSync(outside, path.join(root, "out"));
    symlinkSync(path.join(dir, "missing"), path.join(root, "dangling"));
    await expect(resolveInside(root, "inner/new.xml", "f")).resolves.toBe(
      path.join(root, "inner/new.xml"),
    );
    await expect(resolveInside(root, "out/secret", "f")).rejects.toThrow(
      /^f: out\/secret leads outside .* through a symbolic link/,
    );
    await expect(resolveInside(root, "out/not/yet", "f")).rejects.toThrow(/leads outside/);
    await expect(resolveInside(root, "dangling", "f")).rejects.toThrow(
      "f: dangling is a symbolic link to a missing file",
    );
    await expect(resolveInside(root, "../outside/secret", "f")).rejects.toThrow("climbs out");
  });
});
