import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";

/**
 * A small IC task whose project is a bash "library" (add.sh) with a TAP test script. The bug:
 * add() subtracts. The gold patch fixes it; the hidden test checks add 2 3 = 5.
 */
export function writeTinyTask(
  bankDir: string,
  id: string,
  overrides: Record<string, unknown> = {},
  hiddenTest?: string,
): string {
  const dir = path.join(bankDir, id);
  mkdirSync(path.join(dir, "source", "lib"), { recursive: true });
  mkdirSync(path.join(dir, "source", "test"), { recursive: true });
  mkdirSync(path.join(dir, "hidden", "test"), { recursive: true });
  writeFileSync(path.join(dir, "source", "lib", "add.sh"), "add() {\n  echo $(( $1 - $2 ))\n}\n");
  writeFileSync(path.join(dir, "source", "lib", "mul.sh"), "mul() {\n  echo $(( $1 * $2 ))\n}\n");
  writeFileSync(path.join(dir, "source", "README.md"), "# tiny\n\nA bash arithmetic library.\n");
  writeFileSync(
    path.join(dir, "source", "test", "run.sh"),
    [
      "#!/usr/bin/env bash",
      "source lib/add.sh; source lib/mul.sh",
      'echo "TAP version 13"; echo "1..2"',
      'if [ "$(mul 2 3)" = 6 ]; then echo "ok 1 - mul multiplies"; else echo "not ok 1 - mul multiplies"; fail=1; fi',
      'if [ "$(add 0 0)" = 0 ]; then echo "ok 2 - add zero"; else echo "not ok 2 - add zero"; fail=1; fi',
      "exit ${fail:-0}",
      "",
    ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "hidden", "test", "run.sh"),
    hiddenTest ??
      [
        "#!/usr/bin/env bash",
        "source lib/add.sh; source lib/mul.sh",
        'echo "TAP version 13"; echo "1..3"',
        'if [ "$(mul 2 3)" = 6 ]; then echo "ok 1 - mul multiplies"; else echo "not ok 1 - mul multiplies"; fail=1; fi',
        'if [ "$(add 0 0)" = 0 ]; then echo "ok 2 - add zero"; else echo "not ok 2 - add zero"; fail=1; fi',
        'if [ "$(add 2 3)" = 5 ]; then echo "ok 3 - add adds"; else echo "not ok 3 - add adds"; fail=1; fi',
        "exit ${fail:-0}",
        "",
      ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "gold.patch"),
    [
      "diff --git a/lib/add.sh b/lib/add.sh",
      "--- a/lib/add.sh",
      "+++ b/lib/add.sh",
      "@@ -1,3 +1,3 @@",
      " add() {",
      "-  echo $(( $1 - $2 ))",
      "+  echo $(( $1 + $2 ))",
      " }",
      "",
    ].join("\n"),
  );
  const task = {
    id,
    kind: "ic",
    title: "add() subtracts",
    body: "`add 2 3` prints -1; it should print 5.",
    price_cents: 50_000,
    source: { dir: "source" },
    hidden: {
      test: {
        command: "bash test/run.sh",
        format: "tap",
        fail_to_pass: ["add adds"],
        pass_to_pass: ["mul multiplies", "add zero"],
        timeout_seconds: 20,
      },
      protected: ["test/**"],
      acceptable_folders: ["lib"],
    },
    ...overrides,
  };
  writeFileSync(path.join(dir, "task.yaml"), stringify(task));
  return dir;
}

/** A manager task with three proposals; the real manager chose proposal 2. */
export function writeTinyManagerTask(
  bankDir: string,
  id: string,
  correct = 2,
  overrides: Record<string, unknown> = {},
): string {
  const dir = path.join(bankDir, id);
  mkdirSync(dir, { recursive: true });
  const task = {
    id,
    kind: "manager",
    title: "Which fix for the flaky login?",
    body: "Login fails one time in ten.",
    price_cents: 100_000,
    proposals: [0, 1, 2].map((n) => ({ id: n, content: `Proposal number ${n}` })),
    hidden: { correct_proposal_id: correct },
    ...overrides,
  };
  writeFileSync(path.join(dir, "task.yaml"), stringify(task));
  return dir;
}
