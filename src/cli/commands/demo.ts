import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { intervalText } from "../../core/leaderboard/format.ts";
import { formatCents } from "../../core/money.ts";
import { runDemo, type DemoSummary } from "../../demo/run-demo.ts";
import { cacheDirOption, creatableFolder, nonNegativeInt, positiveInt } from "../options.ts";
import { printJson, UsageError, type Output } from "../output.ts";
import { createProgress } from "../progress.ts";
import { endProcessTreeOnExit } from "../../sandbox/process-tree.ts";

interface DemoCliOptions {
  bank: string;
  only?: string;
  jobs: number;
  stateDir: string;
  cacheDir: string;
  sweLancer: number;
  sweLancerCsv: string;
  json?: boolean;
}

const SWE_LANCER_CSV = "../shared/datasets/swe-lancer/swelancer_tasks_lite.sample.csv";

export function registerDemo(program: Command, output: Output): void {
  program
    .command("demo")
    .description(
      "the whole arena on this machine: a local GitHub, the Lancer app, the grader workflow and agents; prints the leaderboard",
    )
    .option("--bank <dir>", "the bank to seed", "fixtures/tasks")
    .option("--only <ids>", "comma-separated task ids (default: every task of the bank)")
    .option("--jobs <n>", "agents working at once", positiveInt, 4)
    .option(
      "--state-dir <dir>",
      "where the sandbox, the app's log and the ledger go",
      creatableFolder,
      ".lancer/demo",
    )
    .addOption(cacheDirOption())
    .option(
      "--swe-lancer <n>",
      "also seed this many SWE-Lancer manager tasks, when the CSV below exists (0: none)",
      nonNegativeInt,
      4,
    )
    .option("--swe-lancer-csv <file>", "SWE-Lancer task rows", SWE_LANCER_CSV)
    .option("--json", "print the summary as JSON")
    .addHelpText(
      "after",
      [
        "",
        "What happens: the sandbox starts with an org `arena`, the app is installed and receives its",
        "webhooks, `lancer seed` puts every task on it (a mirror and an issue each, the private grader",
        "repository, the ledger repository). Then `lancer-agent` opens pull requests with the reference",
        "fix on two IC tasks in three and `sloppy-agent` a wrong one on the rest; both answer every",
        "manager task with /select. The grader workflow grades each pull request with the hidden tests,",
        "the app pays, comments and updates the leaderboard. Exit 0 when every payout is as expected.",
        "",
        "The app's log: <state-dir>/app.log. The ledger (git) and the HTML leaderboard",
        "(<state-dir>/report/index.html): printed at the end.",
      ].join("\n"),
    )
    .action(async (options: DemoCliOptions) => {
      // On SIGINT/SIGTERM the CLI exits: no runner step or graded test may outlive it.
      endProcessTreeOnExit();
      if (existsSync(options.sweLancerCsv) && !statSync(options.sweLancerCsv).isFile())
        throw new UsageError(
          `--swe-lancer-csv: ${options.sweLancerCsv} is not a file; expected a CSV`,
        );
      const stateDir = path.resolve(options.stateDir);
      const logFile = path.join(stateDir, "app.log");
      let progress: ReturnType<typeof createProgress> | undefined;
      const summary = await runDemo({
        bankDir: options.bank,
        stateDir,
        cacheDir: options.cacheDir,
        jobs: options.jobs,
        ...(options.only ? { only: options.only.split(",").map((s) => s.trim()) } : {}),
        logFile,
        ...(options.sweLancer > 0 && existsSync(options.sweLancerCsv)
          ? { sweLancer: { csv: options.sweLancerCsv, managerTasks: options.sweLancer } }
          : {}),
        onStep: (line) => {
          progress?.finish();
          if (!options.json) output.info(line);
        },
        onProgress: (done, total, note) => {
          progress ??= createProgress(output, total, "submissions");
          progress.update(done, note);
        },
      });
      progress?.finish();
      if (options.json) printJson(output, { ...summary, leaderboard_readme: undefined });
      else output.result(renderSummary(summary, logFile));
      if (!summary.ok) output.setExitCode(1);
    });
}

function renderSummary(summary: DemoSummary, logFile: string): string {
  const lines = [
    "",
    `Lancer demo: ${summary.tasks} tasks, ${summary.submissions.length} submissions, ${(summary.elapsed_ms / 1000).toFixed(1)} s`,
    "",
    "| agent | earned | available | % | 95% CI of % | IC | manager | attempts | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...summary.standings.agents.map(
      (a) =>
        `| ${a.agent} | ${formatCents(a.earned_cents)} | ${formatCents(a.available_cents)} | ${a.percent.toFixed(1)}% | ${intervalText(a.stats.earned_percent_ci)} | ${formatCents(a.by_kind.ic.earned_cents)} | ${formatCents(a.by_kind.manager.earned_cents)} | ${a.attempts} | ${a.errors} |`,
    ),
    "",
    "| task | agent | verdict | payout | where |",
    "| --- | --- | --- | ---: | --- |",
    ...summary.submissions.map(
      (s) =>
        `| ${s.task_id} | ${s.agent} | ${s.verdict} | ${formatCents(s.payout_cents)} | ${s.where} |`,
    ),
    "",
    `Payout comments written by the app: ${summary.payout_comments}. REST calls: ${summary.rest_calls.total} (${summary.rest_calls.per_task} per task).`,
    `The ledger repository (clone it): ${summary.sandbox.ledger_git}`,
    `HTML report: ${summary.html_report}`,
    `The app's log: ${logFile}`,
    summary.ok ? "Every payout is as expected." : `Problems:\n  ${summary.problems.join("\n  ")}`,
  ];
  return lines.join("\n");
}
