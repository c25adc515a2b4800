import { z } from "zod";
import { relativePathProblem, workspaceGlobProblem } from "../paths/contained-path.ts";

/** Task ids become folder names, branch names and ledger keys, so they stay path- and ref-safe. */
export const TaskId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "letters, digits, '.', '_' or '-', not starting with a symbol",
  )
  .max(128);

const Cents = z.number().int().nonnegative();

/** A path that must stay inside its folder (see contained-path.ts). */
const ContainedPath = z.string().superRefine((value, ctx) => {
  const problem = relativePathProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A glob matched against workspace-relative paths. */
const WorkspaceGlob = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const problem = workspaceGlobProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A folder of the workspace; "" and "." mean the whole workspace. */
const WorkspaceFolder = z.string().superRefine((value, ctx) => {
  const problem = value === "" || value === "." ? undefined : relativePathProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A repository location handed to git: never something git would read as an option. */
const RepoLocation = z
  .string()
  .min(1)
  .refine((value) => !value.startsWith("-"), "starts with '-'; expected a git URL or a path");

/** Where the repository an agent works on comes from. */
export const TaskSource = z.union([
  z.strictObject({
    /** A folder inside the task folder, committed by Lancer as one deterministic commit. */
    dir: ContainedPath,
  }),
  z.strictObject({
    /** A git URL or a local path to a repository. */
    repo: RepoLocation,
    commit: z.string().regex(/^[0-9a-f]{7,40}$/, "a hex commit id"),
    /**
     * A diff in the task folder applied on top of `commit` to make the base (SWE-Lancer: the
     * patch that puts the bug back). The base is then one commit with no history after it.
     */
    base_patch: ContainedPath.optional(),
  }),
  z.strictObject({
    /** Known repository, but its base is not reproducible here (e.g. SWE-Lancer IC tasks). */
    repo: RepoLocation,
    external: z.literal(true),
  }),
]);

const CANNOT_FAIL =
  "expected at least one test that fails before the fix and passes after it; without one the task cannot fail";

export const TestFormat = z.enum(["junit", "tap", "jest-json", "pytest"]);

export const TestSpec = z.strictObject({
  /** Run with bash in the workspace root. */
  command: z.string().min(1),
  format: TestFormat,
  /** File the command writes its results to, relative to the workspace; stdout when absent. */
  results: ContainedPath.optional(),
  /** At least one: a task whose tests all pass before the fix cannot fail, so cannot be graded. */
  fail_to_pass: z.array(z.string().min(1)).min(1, CANNOT_FAIL),
  pass_to_pass: z.array(z.string().min(1)).default([]),
  timeout_seconds: z.number().positive().default(300),
  /**
   * Hidden canary tests added to each run (some must pass, some must fail) to catch forged
   * results. Turn off only for a runner that cannot take them (validation shows it).
   */
  canaries: z.boolean().default(true),
});

/** A container image name; never starting with `-`, which docker would read as an option. */
export const ImageReference = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/,
    "expected an image reference such as node:24-bookworm or ghcr.io/org/image@sha256:…",
  );

/**
 * How to set up the project before its tests run. Public: an agent may see it. `install` runs
 * once per environment key and is cached; `build` runs in every grading, after the candidate's
 * patch (it compiles the candidate's code).
 */
export const EnvironmentSpec = z.strictObject({
  /** Commands run with bash in the project root, in order (e.g. `npm ci`). */
  install: z.array(z.string().min(1)).default([]),
  /** Commands run after the patch in every grading (e.g. `npx tsc -p .`). */
  build: z.array(z.string().min(1)).default([]),
  /** Variables for install, build and tests. */
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a variable name"), z.string())
    .default({}),
  /**
   * A container image: install, build and tests run in it with docker (tests and build with no
   * network). Unset: on the host, or in `--image` with `--isolation container`.
   */
  image: ImageReference.optional(),
  /** Files whose content keys the cache; a patch changing one reinstalls for that grading. */
  key_files: z.array(ContainedPath).optional(),
  timeout_seconds: z.number().positive().default(1800),
});

export const Proposal = z.strictObject({
  id: z.number().int().nonnegative(),
  author: z.string().optional(),
  content: z.string(),
});

/**
 * A SWE-Lancer IC task graded as the official harness grades it: the task's
 * `hidden/issues/<id>/` folder in the official image, `run_tests.yml` up to 3 times, the
 * verdict from `pytest_exit_code` (src/core/swe-lancer/).
 */
export const SweLancerSpec = z.strictObject({
  /** The official image: the monolith, or the task's own `swelancer/swelancer_x86_<id>`. */
  image: ImageReference,
});

/** Everything a model must never see: tests, protected paths, the right answer. */
export const HiddenPart = z.strictObject({
  test: TestSpec.optional(),
  /** Why an IC task cannot be graded here (its tests live elsewhere, e.g. a Docker image). */
  graded_externally: z.string().min(1).optional(),
  /** Graded in the official SWE-Lancer image instead of by `test.command` on the workspace. */
  swe_lancer: SweLancerSpec.optional(),
  /** Globs reset to the base before grading; a patch touching them is tampering. */
  protected: z.array(WorkspaceGlob).default([]),
  /** Folders a patch may change; empty means anywhere outside the protected paths. */
  acceptable_folders: z.array(WorkspaceFolder).default([]),
  correct_proposal_id: z.number().int().nonnegative().optional(),
  /** Fields of the source dataset kept as they were (e.g. SWE-Lancer's cwd, manager_commit). */
  meta: z.record(z.string(), z.unknown()).optional(),
});

export const Rules = z.strictObject({
  attempts: z.number().int().positive().default(1),
  deadline_hours: z.number().positive().optional(),
});

export const TaskFile = z
  .strictObject({
    id: TaskId,
    kind: z.enum(["ic", "manager"]),
    title: z.string().min(1),
    body: z.string(),
    price_cents: Cents,
    source: TaskSource.optional(),
    environment: EnvironmentSpec.optional(),
    proposals: z.array(Proposal).optional(),
    labels: z.array(z.string()).default([]),
    set: z.string().optional(),
    rules: Rules.default({ attempts: 1 }),
    /** Where the task came from (file and row), for reports and errors. */
    origin: z.string().optional(),
    hidden: HiddenPart.default({ protected: [], acceptable_folders: [] }),
  })
  .superRefine((task, ctx) => {
    if (task.kind === "manager") {
      if (!task.proposals || task.proposals.length < 2) {
        ctx.addIssue({
          code: "custom",
          path: ["proposals"],
          message: "a manager task needs at least 2 proposals",
        });
      }
      const ids = new Set(task.proposals?.map((p) => p.id));
      if (task.hidden.correct_proposal_id === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["hidden", "correct_proposal_id"],
          message: "a manager task needs the correct proposal id",
        });
      } else if (!ids.has(task.hidden.correct_proposal_id)) {
        ctx.addIssue({
          code: "custom",
          path: ["hidden", "correct_proposal_id"],
          message: `must be one of the proposal ids ${[...ids].join(", ")}`,
        });
      }
      if (ids.size !== (task.proposals?.length ?? 0)) {
        ctx.addIssue({
          code: "custom",
          path: ["proposals"],
          message: "proposal ids must be unique",
        });
      }
    } else {
      if (!task.source) {
        ctx.addIssue({ code: "custom", path: ["source"], message: "an IC task needs a source" });
      }
      if (!task.hidden.test && !task.hidden.graded_externally) {
        ctx.addIssue({
          code: "custom",
          path: ["hidden", "test"],
          message: "an IC task needs a test spec or a graded_externally reason",
        });
      }
    }
  });

export type TaskFile = z.infer<typeof TaskFile>;
export type TaskSource = z.infer<typeof TaskSource>;
export type TestSpec = z.infer<typeof TestSpec>;
export type EnvironmentSpec = z.infer<typeof EnvironmentSpec>;
export type TestFormat = z.infer<typeof TestFormat>;
export type Proposal = z.infer<typeof Proposal>;
export type HiddenPart = z.infer<typeof HiddenPart>;
export type SweLancerSpec = z.infer<typeof SweLancerSpec>;

/** What a model may see of a task: everything but `hidden`. */
export type PublicTask = Omit<TaskFile, "hidden">;
