import { describe, expect, it } from "vitest";
import { findTampering } from "../../../src/core/grade/tamper.ts";

const rules = {
  protectedGlobs: ["test/**", "package.json", "**/conftest.py"],
  hiddenPaths: ["spec/hidden/check.test.js", "test/extra.test.js"],
  acceptableFolders: ["src", "lib/"],
};

describe("findTampering", () => {
  it("accepts changes inside the acceptable folders", () => {
    expect(findTampering(["src/a.js", "lib/deep/b.js"], rules)).toEqual([]);
  });

  it("names hidden files, folders that hold them, protected paths and paths outside the folders", () => {
    expect(
      findTampering(
        [
          "test/extra.test.js",
          "spec",
          "spec/hidden",
          "package.json",
          "src/conftest.py",
          "README.md",
          "srcx/a.js",
        ],
        rules,
      ),
    ).toEqual([
      { path: "test/extra.test.js", why: "is a hidden test file" },
      { path: "spec", why: "replaces a folder that holds hidden test files" },
      { path: "spec/hidden", why: "replaces a folder that holds hidden test files" },
      { path: "package.json", why: "is protected test infrastructure" },
      { path: "src/conftest.py", why: "is protected test infrastructure" },
      { path: "README.md", why: "is outside the acceptable folders (src, lib)" },
      { path: "srcx/a.js", why: "is outside the acceptable folders (src, lib)" },
    ]);
  });

  it("matches protected globs against dot files too", () => {
    expect(
      findTampering([".github/workflows/ci.yml"], {
        ...rules,
        protectedGlobs: [".github/**"],
        acceptableFolders: [],
      }),
    ).toEqual([{ path: ".github/workflows/ci.yml", why: "is protected test infrastructure" }]);
  });

  it("allows anything outside protected paths when no acceptable folders are set", () => {
    expect(findTampering(["README.md", "docs/x.md"], { ...rules, acceptableFolders: [] })).toEqual(
      [],
    );
  });
});
