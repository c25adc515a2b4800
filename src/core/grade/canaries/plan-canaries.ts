import path from "node:path";
import type { TestSpec } from "../../task/schema.ts";
import type { CanaryLanguage } from "./canary-code.ts";

/** Where a grading's canaries go, or why none can. */
export type CanaryPlacement =
  { file: string; language: CanaryLanguage; nodeTestFallback: boolean } | { none: string };

const PYTEST = /\bpytest\b/;
/** Options that run only some tests by name: canaries would not be among them. */
const PY_SELECTS = /(::|\s-k\s|\s-k\S|--deselect)/;
const JS_RUNNER =
  /(\bnode\b[^|;&]*\s--test\b|\bmocha\b|\bjest\b|\bvitest\b|\b(?:npm|yarn|pnpm)\s+(?:run\s+)?test\b)/;
const JS_SELECTS =
  /(--test-name-pattern|--grep\b|\s-g\s|\s-t\s|--testNamePattern|--test-only|\s-f\s|--fgrep)/;
const NODE_TEST = /\bnode\b[^|;&]*\s--test\b/;

const PY_TEST_FILE = /^(test_.*|.*_test)\.py$/;
const JS_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const JS_TEST_NAME = /\.(?:test|spec)\.[^.]+$/;
const TEST_DIR = /(^|\/)(tests?|__tests__|spec)\//;

/**
 * Chooses the hidden test file that gets a grading's canaries: one the task's test command
 * surely runs, of a runner Lancer can add tests to (pytest; node:test, mocha, jest, vitest).
 * Prefers the file of the first FAIL_TO_PASS test when its id names one, then files the
 * command names, then the first by name. Commands that select tests by name get none.
 */
export function planCanaries(spec: TestSpec, hiddenPaths: readonly string[]): CanaryPlacement {
  if (!spec.canaries) return { none: "turned off by the task (hidden.test.canaries: false)" };
  const command = spec.command;
  const paths = [...new Set(hiddenPaths)].sort();
  if (PYTEST.test(command)) {
    if (PY_SELECTS.test(command)) return { none: "the test command selects tests by name" };
    const files = paths.filter((p) => PY_TEST_FILE.test(path.posix.basename(p)));
    const fromId = spec.fail_to_pass
      .map((id) => id.split("::")[0])
      .find((f) => f && files.includes(f));
    const file = fromId ?? pick(files, command);
    if (file) return { file, language: "python", nodeTestFallback: false };
  } else if (JS_RUNNER.test(command)) {
    if (JS_SELECTS.test(command)) return { none: "the test command selects tests by name" };
    const files = paths.filter(
      (p) => JS_FILE.test(p) && (JS_TEST_NAME.test(p) || TEST_DIR.test(p)),
    );
    const named = files.filter((p) => JS_TEST_NAME.test(p));
    const file = pick(named.length > 0 ? named : files, command);
    if (file) return { file, language: "javascript", nodeTestFallback: NODE_TEST.test(command) };
  }
  return {
    none: "no hidden test file of a runner Lancer can add tests to (pytest, node:test, mocha, jest, vitest)",
  };
}

function pick(files: readonly string[], command: string): string | undefined {
  return files.find((f) => command.includes(f)) ?? files[0];
}
