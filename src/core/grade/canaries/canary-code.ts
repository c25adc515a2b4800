import { distinctInts, type Canary } from "./canary-set.ts";

/** The languages Lancer writes canaries in: those of the runners it can extend. */
export type CanaryLanguage = "python" | "javascript";

/**
 * The code appended to a hidden test file to add `canaries` to it, in the file's language.
 * A must-fail canary asserts something false through the assertion the tests themselves use
 * (Python's `assert`; in JavaScript the `node:assert` module, or `expect` where the runner
 * gives one), so code that disables assertions makes it pass and gives itself away.
 */
export function canaryCode(
  language: CanaryLanguage,
  canaries: readonly Canary[],
  options: { nodeTestFallback: boolean },
): string {
  return language === "python"
    ? pythonCanaries(canaries)
    : javascriptCanaries(canaries, options.nodeTestFallback);
}

function pythonCanaries(canaries: readonly Canary[]): string {
  // Top-level functions after two blank lines end whatever block the file ended in.
  return canaries
    .map((canary) => {
      const [a, b] = distinctInts();
      const right = canary.must === "pass" ? a : b;
      return `\n\ndef ${canary.name}():\n    assert ${a} == ${right}\n`;
    })
    .join("");
}

/** Assertions of `node:assert` a must-fail canary may use (each one the tests could rely on). */
const FALSE_ASSERTIONS = [
  (a: number, b: number) => `assert.strictEqual(${a}, ${b})`,
  (a: number, b: number) => `assert.deepStrictEqual([${a}], [${b}])`,
  (a: number, b: number) => `assert.equal(${a}, ${b})`,
  (a: number, b: number) => `assert.ok(${a} === ${b})`,
];

function javascriptCanaries(canaries: readonly Canary[], nodeTestFallback: boolean): string {
  let falseIndex = 0;
  const calls = canaries.map((canary) => {
    const [a, b] = distinctInts();
    if (canary.must === "pass")
      return `  register(${JSON.stringify(canary.name)}, () => { assert.strictEqual(${a}, ${a}); });`;
    const assertion = FALSE_ASSERTIONS[falseIndex++ % FALSE_ASSERTIONS.length]!(a, b);
    // Where the runner has `expect` (jest, vitest), the first must-fail canary goes through it.
    const body =
      falseIndex === 1
        ? `if (typeof expect === "function") expect(${a}).toBe(${b}); else ${assertion};`
        : `${assertion};`;
    return `  register(${JSON.stringify(canary.name)}, () => { ${body} });`;
  });
  // `it` and `test` are read as the file sees them: imported (node:test, vitest) or global
  // (mocha, jest). Valid as JavaScript and as TypeScript that Node strips of types.
  const fallback = nodeTestFallback
    ? ` : process.getBuiltinModule?.("node:test")?.test`
    : " : undefined";
  return [
    "",
    ";(() => {",
    `  const register = typeof it === "function" ? it : typeof test === "function" ? test${fallback};`,
    `  const assert = typeof process.getBuiltinModule === "function" ? process.getBuiltinModule("node:assert") : require("node:assert");`,
    '  if (typeof register !== "function") return;',
    ...calls,
    "})();",
    "",
  ].join("\n");
}
