import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runLancer } from "../../../helpers/run-lancer.ts";
import { tempDir } from "../../../helpers/temp-dir.ts";

/**
 * Canaries under a jest-json runner: vitest's JSON reporter (the project's own vitest, run
 * with globals), a task graded through the real `lancer grade`. The gold fix passes with its
 * canaries confirmed; a candidate that swaps the global `expect` for a no-op is caught.
 */
const VITEST = path.resolve(import.meta.dirname, "../../../../node_modules/vitest/vitest.mjs");
const root = tempDir("lancer-jest-json-canaries-");

const TASK_YAML = `id: js-add
kind: ic
title: add subtracts
body: add(1, 2) is -1.
price_cents: 1000
source: { dir: source }
hidden:
  test:
    command: ${JSON.stringify(`node ${VITEST} run --globals --reporter=json --outputFile=results.json`)}
    format: jest-json
    results: results.json
    fail_to_pass: [add > adds]
    pass_to_pass: [add > keeps zero]
    timeout_seconds: 120
  protected: ["test/**"]
`;

const TEST = `import { add } from "../src/add.js";
describe("add", () => {
  it("adds", () => { expect(add(1, 2)).toBe(3); });
  it("keeps zero", () => { expect(add(0, 0)).toBe(0); });
});
`;

const BUGGY = "export const add = (a, b) => a - b;\n";

function patchOf(after: string): string {
  const removed = BUGGY.split("\n")
    .filter(Boolean)
    .map((l) => `-${l}`);
  const added = after
    .split("\n")
    .filter(Boolean)
    .map((l) => `+${l}`);
  return [
    "diff --git a/src/add.js b/src/add.js",
    "--- a/src/add.js",
    "+++ b/src/add.js",
    `@@ -1,${removed.length} +1,${added.length} @@`,
    ...removed,
    ...added,
    "",
  ].join("\n");
}

async function grade(name: string, after: string) {
  const patch = path.join(root, `${name}.patch`);
  writeFileSync(patch, patchOf(after));
  const result = await runLancer(
    ["grade", path.join(root, "bank"), "js-add", "--patch", patch, "--runs", "1", "--json"],
    { env: { LANCER_CACHE_DIR: path.join(root, "cache") } },
  );
  return JSON.parse(result.stdout) as {
    verdict: string;
    reason: string;
    detail: string;
    defences: { canaries: { planted: number; confirmed: number; file?: string } };
  };
}

describe("canaries with a jest-json runner (vitest)", () => {
  mkdirSync(path.join(root, "bank", "js-add", "source", "src"), { recursive: true });
  mkdirSync(path.join(root, "bank", "js-add", "hidden", "test"), { recursive: true });
  writeFileSync(path.join(root, "bank", "js-add", "task.yaml"), TASK_YAML);
  writeFileSync(
    path.join(root, "bank", "js-add", "source", "package.json"),
    '{ "type": "module" }\n',
  );
  writeFileSync(path.join(root, "bank", "js-add", "source", "src", "add.js"), BUGGY);
  writeFileSync(path.join(root, "bank", "js-add", "hidden", "test", "add.test.js"), TEST);

  it("pass the gold fix with every canary confirmed", async () => {
    const g = await grade("gold", "export const add = (a, b) => a + b;\n");
    expect(g).toMatchObject({ verdict: "pass", reason: "ok" });
    expect(g.defences.canaries).toEqual({ file: "test/add.test.js", planted: 4, confirmed: 4 });
  });

  it("catch a candidate that makes the global expect a no-op", async () => {
    const noop =
      "export const add = (a, b) => a - b;\nglobalThis.expect = () => new Proxy({}, { get: () => () => undefined });\n";
    const g = await grade("forged", noop);
    expect(g).toMatchObject({ verdict: "fail", reason: "results-forged" });
    expect(g.detail).toMatch(/^results forged: canary test_\w+ \(must fail\) was reported passed$/);
  });
});
