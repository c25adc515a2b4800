import { InvalidArgumentError, type Command } from "commander";
import {
  guessFormat,
  IMPORT_FORMATS,
  readImportFile,
  type ImportFormat,
} from "../../core/import/import-file.ts";
import { readRepoProfiles } from "../../core/import/repo-profiles.ts";
import { describeRowProblems } from "../../core/import/row-problem.ts";
import { writeBank } from "../../core/import/write-bank.ts";
import type { SweLancerIcSummary } from "../../core/swe-lancer/import-issues.ts";
import { dollarsToCents, formatCents } from "../../core/money.ts";
import { creatableFolderProblem, existingFolderProblem } from "../../core/paths/folder-problem.ts";
import { printJson, UsageError, type Output } from "../output.ts";

interface ImportOptions {
  out: string;
  format?: ImportFormat;
  repoRoot?: string;
  profiles?: string;
  defaultPrice?: number;
  skipInvalid?: boolean;
  benchmarkDir?: string;
  perTaskImages?: boolean;
  force?: boolean;
  json?: boolean;
}

function parseFormat(value: string): ImportFormat {
  if (!(IMPORT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${IMPORT_FORMATS.join(", ")}`);
  }
  return value as ImportFormat;
}

function parsePrice(value: string): number {
  const cents = dollarsToCents(value);
  if (cents === undefined)
    throw new InvalidArgumentError("expected a dollar amount such as 500 or 250.50");
  return cents;
}

/** The IC part of a SWE-Lancer import: counts and dollars gradable or not, each reason named. */
function describeIc(ic: SweLancerIcSummary): string {
  const { gradable: yes, not_gradable: no } = ic;
  const head = `IC tasks: ${yes.tasks} gradable (${formatCents(yes.cents)}), ${no.tasks} not gradable (${formatCents(no.cents)})`;
  const reasons = new Set(no.reasons.map((r) => r.reason));
  // One reason for every row (no checkout given): said once, not once per row.
  if (reasons.size === 1 && no.tasks > 1) return `${head}\n  all ${no.tasks}: ${[...reasons][0]}`;
  return [head, ...no.reasons.map((r) => `  ${r.id}: ${r.reason}`)].join("\n");
}

export function registerImport(program: Command, output: Output): void {
  program
    .command("import")
    .description(
      "turn a SWE-Lancer CSV or a SWE-bench-style JSONL file into a task bank (all rows or nothing)",
    )
    .argument("<file>", "input file (.csv: SWE-Lancer; .jsonl: SWE-bench style)")
    .requiredOption("--out <bank>", "bank folder to write")
    .option(
      "--format <format>",
      `${IMPORT_FORMATS.join(" or ")} (default: from the file name)`,
      parseFormat,
    )
    .option(
      "--repo-root <dir>",
      "SWE-bench: folder of local clones named owner__name or owner/name",
    )
    .option(
      "--default-price <dollars>",
      "SWE-bench: price of rows without price_cents or price",
      parsePrice,
    )
    .option(
      "--profiles <file>",
      "SWE-bench: YAML of install, build and test commands per owner/name (and version) for rows without them",
    )
    .option(
      "--benchmark-dir <dir>",
      "SWE-Lancer: a checkout of openai/SWELancer-Benchmark; IC tasks with a complete issues/<id>/ become gradable",
    )
    .option(
      "--per-task-images",
      "SWE-Lancer: grade IC tasks in swelancer/swelancer_x86_<id>:releasev1 instead of the monolith image",
    )
    .option(
      "--skip-invalid",
      "import the good rows and report the bad ones instead of writing nothing",
    )
    .option("--force", "replace an existing bank folder")
    .option("--json", "print JSON")
    .action(async (file: string, options: ImportOptions) => {
      const format = options.format ?? guessFormat(file);
      // Every flag is checked before anything is read or written.
      const outProblem = creatableFolderProblem(options.out);
      if (outProblem) throw new UsageError(`--out: ${outProblem}`);
      if (options.repoRoot !== undefined) {
        const rootProblem = existingFolderProblem(options.repoRoot);
        if (rootProblem) throw new UsageError(`--repo-root: ${rootProblem}`);
      }
      if (options.benchmarkDir !== undefined) {
        const problem = existingFolderProblem(options.benchmarkDir);
        if (problem) throw new UsageError(`--benchmark-dir: ${problem}`);
      }
      const profiles = options.profiles ? await readRepoProfiles(options.profiles) : undefined;
      const {
        tasks,
        problems,
        ignored = [],
        ic,
      } = await readImportFile(file, format, {
        ...(options.benchmarkDir ? { benchmarkDir: options.benchmarkDir } : {}),
        ...(options.perTaskImages ? { perTaskImages: true } : {}),
        ...(profiles ? { profiles } : {}),
        ...(options.repoRoot ? { repoRoot: options.repoRoot } : {}),
        ...(options.defaultPrice === undefined ? {} : { defaultPriceCents: options.defaultPrice }),
      });
      const invalid = problems.map((p) => ({
        line: p.line,
        id: p.id ?? null,
        problems: p.problems,
      }));
      if (problems.length > 0 && !options.skipInvalid) {
        output.setExitCode(1);
        if (options.json) printJson(output, { written: false, tasks: 0, invalid });
        output.info(describeRowProblems(file, problems));
        output.info(
          `${problems.length} invalid row(s); nothing was written (use --skip-invalid to import the ${tasks.length} good rows)`,
        );
        return;
      }
      if (tasks.length === 0) {
        if (problems.length > 0) output.info(describeRowProblems(file, problems));
        throw new UsageError(
          problems.length > 0
            ? `${file}: none of its ${problems.length} row(s) is valid; nothing was written`
            : `${file}: holds no task to import; nothing was written`,
        );
      }
      await writeBank(options.out, tasks, { force: Boolean(options.force) });
      if (ignored.length > 0 && !options.json)
        output.info(`${file}: fields Lancer does not use, ignored: ${ignored.join(", ")}`);
      const count = (kind: string) => tasks.filter((t) => t.task.kind === kind).length;
      const total = tasks.reduce((sum, t) => sum + t.task.price_cents, 0);
      if (problems.length > 0) output.info(describeRowProblems(file, problems));
      if (options.json) {
        printJson(output, {
          written: true,
          out: options.out,
          format,
          tasks: tasks.length,
          by_kind: { ic: count("ic"), manager: count("manager") },
          total_cents: total,
          invalid,
          ignored_fields: ignored,
          ...(ic ? { swe_lancer_ic: ic } : {}),
        });
        return;
      }
      if (ic && ic.gradable.tasks + ic.not_gradable.tasks > 0) output.info(describeIc(ic));
      output.result(
        `${options.out}: ${tasks.length} tasks (${count("ic")} IC, ${count("manager")} manager), ${formatCents(total)} in all` +
          (problems.length > 0 ? `; ${problems.length} invalid row(s) skipped` : ""),
      );
    });
}
