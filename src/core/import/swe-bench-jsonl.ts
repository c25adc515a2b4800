import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { git } from "../git/git.ts";
import { isRemoteLocation } from "../git/remote-location.ts";
import { isWithin } from "../paths/contained-path.ts";
import { Commands, profileFor, type RepoProfiles } from "./repo-profiles.ts";
import { dollarsToCents } from "../money.ts";
import { fieldProblems } from "../task/format-issues.ts";
import { ImageReference, TaskFile, TestFormat } from "../task/schema.ts";
import type { ImportedTask } from "./imported-task.ts";
import type { RowProblem } from "./row-problem.ts";
import { ImportFormatError, type ImportRows } from "./swe-lancer-csv.ts";

/** FAIL_TO_PASS / PASS_TO_PASS: a list, or (as in the SWE-bench datasets) a JSON-encoded list. */
const TestList = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}, z.array(z.string()));

const SweBenchRow = z.object({
  instance_id: z.string().min(1),
  repo: z.string().min(1),
  base_commit: z.string().regex(/^[0-9a-f]{7,40}$/, "expected a hex commit id"),
  patch: z.string().min(1, "expected the gold patch"),
  test_patch: z.string(),
  FAIL_TO_PASS: TestList.refine(
    (tests) => tests.length > 0,
    "expected at least one test that fails before the fix; without one the task cannot fail",
  ),
  PASS_TO_PASS: TestList.default([]),
  problem_statement: z.string().min(1),
  price_cents: z.number().int().nonnegative().optional(),
  price: z.union([z.number(), z.string()]).optional(),
  test_cmd: z.string().min(1).optional(),
  test_format: TestFormat.optional(),
  test_results: z.string().min(1).optional(),
  timeout_seconds: z.number().positive().optional(),
  // Environment: SWE-bench harness specs spell these several ways; each is a command or a list.
  pre_install: Commands.optional(),
  install: Commands.optional(),
  install_cmd: Commands.optional(),
  build_cmd: Commands.optional(),
  build: Commands.optional(),
  image: ImageReference.optional(),
  /** Picks the version's entry of a profile table (--profiles). */
  version: z.union([z.string(), z.number()]).transform(String).optional(),
});

/** The fields above: any other field of a row is listed once as ignored. */
const KNOWN_FIELDS = new Set(Object.keys(SweBenchRow.shape));

export interface SweBenchOptions {
  /** Folder of local clones named owner__name or owner/name. */
  repoRoot?: string;
  /** Price for rows that carry none. */
  defaultPriceCents?: number;
  /** Install, build and test commands per repository for rows that carry none. */
  profiles?: RepoProfiles;
}

/** A GitHub repository name as SWE-bench rows give it. */
const OWNER_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/**
 * Where to clone a row's `repo` from: a URL as given; `owner/name` as a local clone under the
 * repo root (`owner__name` or `owner/name`, which must really be inside it) when one is
 * given, else GitHub. Anything else (a path, `..`) is refused with what was expected.
 */
export function resolveRepo(
  repo: string,
  repoRoot: string | undefined,
): { location: string } | { problem: string } {
  if (isRemoteLocation(repo) && !repo.startsWith("-")) return { location: repo };
  if (!OWNER_NAME.test(repo) || repo.split("/").some((part) => part === "." || part === ".."))
    return { problem: `"${repo}" is not owner/name; expected owner/name or a git URL` };
  if (!repoRoot) return { location: `https://github.com/${repo}.git` };
  const root = realpathSync(repoRoot);
  const tried: string[] = [];
  for (const candidate of [repo.replace("/", "__"), repo]) {
    const dir = path.resolve(repoRoot, candidate);
    tried.push(dir);
    if (!existsSync(dir)) continue;
    if (!isWithin(root, realpathSync(dir)))
      return { problem: `${dir} leads outside --repo-root ${repoRoot} through a symbolic link` };
    return { location: dir };
  }
  return { problem: `no clone of ${repo} under --repo-root (looked for ${tried.join(" and ")})` };
}

/**
 * Reads SWE-bench-style JSONL (one instance per line) into IC tasks. Local repositories are
 * checked for the base commit, so that a bad row is caught before anything is written.
 */
export async function readSweBenchJsonl(
  text: string,
  options: SweBenchOptions,
): Promise<ImportRows> {
  const tasks: ImportedTask[] = [];
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  const ignored = new Set<string>();
  if (text.trimStart().startsWith("["))
    throw new ImportFormatError(
      "holds a JSON array; expected JSON Lines (one JSON object per line, as SWE-bench's .jsonl files)",
    );
  const lines = text.split("\n");
  for (const [index, content] of lines.entries()) {
    if (content.trim() === "") continue;
    const line = index + 1;
    let raw: unknown;
    try {
      raw = JSON.parse(content);
    } catch (error) {
      const message = `not a JSON object (${(error as Error).message}); expected one JSON object per line`;
      problems.push({ line, problems: [{ field: "(line)", message }] });
      continue;
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      const got = Array.isArray(raw) ? "an array" : raw === null ? "null" : `a ${typeof raw}`;
      const message = `expected one JSON object per line, got ${got}`;
      problems.push({ line, problems: [{ field: "(line)", message }] });
      continue;
    }
    const parsed = SweBenchRow.safeParse(raw);
    const id =
      typeof (raw as { instance_id?: unknown })?.instance_id === "string"
        ? (raw as { instance_id: string }).instance_id
        : undefined;
    if (!parsed.success) {
      problems.push({ line, ...(id ? { id } : {}), problems: fieldProblems(parsed.error) });
      continue;
    }
    const row = parsed.data;
    const rowProblems: RowProblem["problems"] = [];
    if (seen.has(row.instance_id))
      rowProblems.push({
        field: "instance_id",
        message: `"${row.instance_id}" appears on an earlier line`,
      });
    seen.add(row.instance_id);
    const priceCents =
      row.price_cents ??
      (row.price === undefined ? (options.defaultPriceCents ?? 0) : dollarsToCents(row.price));
    if (priceCents === undefined)
      rowProblems.push({
        field: "price",
        message: `expected a dollar amount, got ${JSON.stringify(row.price)}`,
      });
    const repo = resolveRepo(row.repo, options.repoRoot);
    if ("problem" in repo) rowProblems.push({ field: "repo", message: repo.problem });
    if (rowProblems.length > 0 || "problem" in repo) {
      problems.push({ line, id: row.instance_id, problems: rowProblems });
      continue;
    }
    for (const field of Object.keys(raw))
      if (!KNOWN_FIELDS.has(field) || (field === "version" && !options.profiles))
        ignored.add(field);
    // A row's own commands win; a profile fills in what the row lacks.
    const profile = profileFor(options.profiles, row.repo, row.version);
    const rowInstall = row.install_cmd ?? row.install;
    const install = [...(row.pre_install ?? []), ...(rowInstall ?? profile.install ?? [])];
    const build = row.build_cmd ?? row.build ?? profile.build ?? [];
    const image = row.image ?? profile.image;
    const testCmd = row.test_cmd ?? profile.test_cmd;
    const testResults = row.test_results ?? profile.test_results;
    const title = row.problem_statement.trim().split("\n")[0]!.slice(0, 200) || row.instance_id;
    const candidate = {
      id: row.instance_id,
      kind: "ic",
      title,
      body: row.problem_statement,
      price_cents: priceCents,
      labels: ["swe-bench"],
      ...(install.length > 0 || build.length > 0 || image
        ? { environment: { install, build, ...(image ? { image } : {}) } }
        : {}),
      source: { repo: repo.location, commit: row.base_commit },
      hidden: {
        ...(testCmd
          ? {
              test: {
                command: testCmd,
                format: row.test_format ?? profile.test_format ?? "pytest",
                ...(testResults ? { results: testResults } : {}),
                fail_to_pass: row.FAIL_TO_PASS,
                pass_to_pass: row.PASS_TO_PASS,
                ...(row.timeout_seconds ? { timeout_seconds: row.timeout_seconds } : {}),
              },
            }
          : {
              graded_externally: "the row has no test_cmd (SWE-bench grades it in its own images)",
            }),
        meta: { source: "swe-bench", repo: row.repo },
      },
    };
    const task = TaskFile.safeParse(candidate);
    if (!task.success) {
      problems.push({ line, id: row.instance_id, problems: fieldProblems(task.error) });
      continue;
    }
    tasks.push({
      line,
      task: task.data,
      goldPatch: row.patch,
      ...(row.test_patch ? { testPatch: row.test_patch } : {}),
    });
  }
  problems.push(...(await checkLocalCommits(tasks)));
  const bad = new Set(problems.map((p) => p.line));
  return {
    tasks: tasks.filter((t) => !bad.has(t.line)),
    problems: problems.sort((a, b) => a.line - b.line),
    ignored: [...ignored].sort(),
  };
}

/** For sources that are local clones, checks each base commit exists (one git call per repository). */
async function checkLocalCommits(tasks: readonly ImportedTask[]): Promise<RowProblem[]> {
  const byRepo = new Map<string, ImportedTask[]>();
  for (const t of tasks) {
    const source = t.task.source;
    if (source && "commit" in source && path.isAbsolute(source.repo)) {
      byRepo.set(source.repo, [...(byRepo.get(source.repo) ?? []), t]);
    }
  }
  const problems: RowProblem[] = [];
  for (const [repo, group] of byRepo) {
    const commits = group.map((t) => (t.task.source as { commit: string }).commit);
    const result = await git(["cat-file", "--batch-check"], {
      cwd: repo,
      input: commits.map((c) => `${c}^{commit}`).join("\n") + "\n",
      allowFailure: true,
    });
    const answers = result.stdout.split("\n");
    group.forEach((t, i) => {
      if (result.exitCode !== 0 || (answers[i] ?? "").endsWith("missing")) {
        problems.push({
          line: t.line,
          id: t.task.id,
          problems: [{ field: "base_commit", message: `not found in ${repo}` }],
        });
      }
    });
  }
  return problems;
}
