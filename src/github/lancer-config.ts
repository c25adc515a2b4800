import { parseDocument } from "yaml";
import { z } from "zod";
import { describeProblems, fieldProblems } from "../core/task/format-issues.ts";

/** Where the org's configuration lives: in the grader repository, on its default branch. */
export const CONFIG_PATH = ".github/lancer.yml";
/** The grader repository's name when nothing says otherwise. */
export const DEFAULT_GRADER_REPO = "lancer-grader";
/** The ledger repository's name when nothing says otherwise. */
export const DEFAULT_LEDGER_REPO = "lancer-ledger";

const login = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*(\[bot\])?$/, "expected a GitHub login");
const repoName = z.string().regex(/^[A-Za-z0-9._-]+$/, "expected a repository name in the org");
const glob = z.string().min(1, "expected a path pattern such as .github/**");

/**
 * `.github/lancer.yml` of the grader repository: one schema for every key, each with its
 * default, so an empty file is a valid configuration.
 */
export const LancerConfig = z
  .object({
    /** The workflow file (in the grader repository, on its default branch) that grades a PR. */
    workflow: z
      .string()
      .regex(/^[A-Za-z0-9._-]+\.ya?ml$/, "expected a workflow file name such as grade.yml")
      .default("grade.yml"),
    /** Repository of the org holding the ledger, README leaderboard, chart and CSV. */
    ledger: repoName.default(DEFAULT_LEDGER_REPO),
    /** Accounts whose pull requests and `/select` comments are attempts. */
    agents: z.array(login).default([]),
    /** Accounts allowed `/lancer regrade` (besides the org's admins). */
    maintainers: z.array(login).default([]),
    /** Attempts per agent and task; a task's own `rules.attempts` counts when this is unset. */
    attempts: z.number().int().positive().optional(),
    /** Hours from the task issue's creation to the deadline (over each task's own); unset: none. */
    deadline_hours: z.number().positive().optional(),
    grading: z
      .object({
        /** Test runs per grading (official SWE-Lancer: 3; pay if any passes). */
        runs: z.number().int().positive().max(10).default(3),
        /** Grade again when a pull request gets new commits (same attempt). */
        synchronize: z.boolean().default(false),
        /** How many times a grading that ended in `error` is dispatched again. */
        error_retries: z.number().int().nonnegative().max(5).default(2),
      })
      .strict()
      .prefault({}),
    /**
     * What pays an IC attempt: `tests` (the hidden tests alone; a maintainer's review is
     * recorded beside the grade) or `tests-and-review` (a pass is paid once a maintainer of
     * the mirror approves the graded commit; see README "Client review").
     */
    payout: z.enum(["tests", "tests-and-review"]).default("tests"),
    /** Close the task issue once an attempt is paid. */
    close_when_paid: z.boolean().default(true),
    /** A pull request changing any of these is refused before grading. */
    protected_paths: z.array(glob).default([".github/**"]),
  })
  .strict();
export type LancerConfig = z.infer<typeof LancerConfig>;

export class ConfigError extends Error {
  override name = "ConfigError";
  /** The first key that was wrong (dotted), for a one-line report. */
  readonly key: string;
  constructor(message: string, key: string) {
    super(message);
    this.key = key;
  }
}

/** Parses the text of `.github/lancer.yml`; a ConfigError names the file, key and expectation. */
export function parseLancerConfig(text: string, where = CONFIG_PATH): LancerConfig {
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    throw new ConfigError(`${where}: not valid YAML: ${document.errors[0]!.message}`, "(yaml)");
  }
  const raw: unknown = document.toJS() ?? {};
  const parsed = LancerConfig.safeParse(raw);
  if (!parsed.success) {
    // An unknown key is reported at its own name, not at the object holding it.
    const problems = fieldProblems(parsed.error).map((problem, i) => {
      const issue = parsed.error.issues[i]!;
      if (issue.code !== "unrecognized_keys") return problem;
      const at = problem.field === "(root)" ? "" : `${problem.field}.`;
      return { field: `${at}${issue.keys[0]}`, message: "not a Lancer setting" };
    });
    throw new ConfigError(describeProblems(where, problems), problems[0]!.field);
  }
  return parsed.data;
}

/** The configuration a freshly seeded grader repository starts with. */
export function renderDefaultConfig(options: {
  agents: readonly string[];
  maintainers: readonly string[];
  ledger?: string;
}): string {
  const list = (items: readonly string[]) => (items.length ? `[${items.join(", ")}]` : "[]");
  return [
    "# Lancer's configuration for this org (read by the Lancer app from the default branch).",
    "# Every key is optional; an invalid file is reported and the last good one stays in use.",
    "workflow: grade.yml          # the grading workflow in this repository",
    `ledger: ${options.ledger ?? DEFAULT_LEDGER_REPO}        # ledger + leaderboard repository`,
    `agents: ${list(options.agents)}   # accounts whose PRs and /select comments are attempts`,
    `maintainers: ${list(options.maintainers)}   # may /lancer regrade`,
    "# attempts: 1                # overrides each task's rules.attempts",
    "# deadline_hours: 48         # from the task issue's creation; later PRs are labelled lancer: late, unpaid",
    "payout: tests                # or tests-and-review: a pass is paid once a maintainer approves",
    "grading:",
    "  runs: 3                    # test runs per grading; pay if any passes",
    "  synchronize: false         # grade again on new commits to an open PR",
    "  error_retries: 2           # re-dispatches of a grading that ended in error",
    "close_when_paid: true",
    'protected_paths: [".github/**"]',
    "",
  ].join("\n");
}
