import type { Command } from "commander";
import { createAgent, AGENT_SPECS } from "../../agent/create-agent.ts";
import { LedgerFileError } from "../../core/ledger/open-ledger-file.ts";
import { SqliteLedger } from "../../core/ledger/sqlite-ledger.ts";
import { formatCents } from "../../core/money.ts";
import { renderMarkdown } from "../../core/report/render-report.ts";
import { summarize } from "../../core/report/summarize.ts";
import { runTasks } from "../../core/run/run-tasks.ts";
import { loadBank } from "../../core/task/bank.ts";
import {
  cacheDirOption,
  DEFAULT_LEDGER,
  DEFAULT_RUN_ID,
  positiveInt,
  testPathPrefix,
  workDirOption,
  isolationChoice,
  isolationOption,
  imageOption,
  type IsolationOptions,
} from "../options.ts";
import { addOpenAiOptions, resolveOpenAiOptions, type OpenAiCliValues } from "../openai-options.ts";
import { printJson, UsageError, type Output } from "../output.ts";
import { createProgress } from "../progress.ts";
import { selectTasks } from "../select-tasks.ts";

interface RunOptions extends OpenAiCliValues, IsolationOptions {
  agent: string;
  jobs: number;
  runs: number;
  ledger: string;
  runId: string;
  only?: string;
  tasks?: string;
  agentTimeout: number;
  cacheDir: string;
  workDir: string;
  json?: boolean;
}

export function registerRun(program: Command, output: Output): void {
  const command = program
    .command("run")
    .description(
      "let an agent attempt every task of a bank, grade each attempt and record payouts in the ledger",
    )
    .argument("<bank>", "bank folder")
    .requiredOption("--agent <agent>", `who attempts the tasks: ${AGENT_SPECS.join(", ")}`)
    .option("--jobs <n>", "tasks attempted in parallel", positiveInt, 1)
    .option(
      "--runs <n>",
      "test runs per attempt; pays if any passes (official SWE-Lancer: 3)",
      positiveInt,
      3,
    )
    .option("--ledger <file>", "SQLite ledger file", DEFAULT_LEDGER)
    .option(
      "--run-id <id>",
      "name of this run in the ledger; finished attempts of the same run are skipped",
      DEFAULT_RUN_ID,
    )
    .option("--only <kind>", "only ic or only manager tasks")
    .option("--tasks <ids>", "only these task ids (comma-separated)")
    .option("--agent-timeout <minutes>", "time limit of a command agent per task", positiveInt, 30)
    .addOption(cacheDirOption())
    .addOption(isolationOption())
    .addOption(imageOption())
    .addOption(workDirOption())
    .option("--json", "print JSON");
  addOpenAiOptions(command)
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  lancer run fixtures/tasks --agent oracle --jobs 2",
        "  lancer run bank --agent 'command:my-agent --task \"$LANCER_TASK_FILE\"'",
        "  OPENAI_API_KEY=sk-... lancer run bank --agent openai --model gpt-4o --max-cost 2",
        "  OPENAI_API_KEY=none lancer run bank --agent openai --model qwen2.5-coder --api-base-url http://localhost:11434/v1",
      ].join("\n"),
    )
    .action(async (bankDir: string, options: RunOptions, self: Command) => {
      const openai = await resolveOpenAiOptions(
        options.agent,
        options,
        self,
        options.runId,
        output,
      );
      const bank = await loadBank(bankDir);
      const tasks = selectTasks(bank, options);
      const agent = await createAgent(options.agent, {
        bank: new Map(bank.map((t) => [t.task.id, t])),
        commandTimeoutMs: options.agentTimeout * 60_000,
        ...(openai ? { openai } : {}),
      });
      let ledger: SqliteLedger;
      try {
        ledger = new SqliteLedger(options.ledger, { flag: "--ledger" });
      } catch (error) {
        if (error instanceof LedgerFileError) throw new UsageError(error.message, { cause: error });
        throw error;
      }
      try {
        const progress = createProgress(output, tasks.length, agent.name);
        let earned = 0;
        const result = await runTasks(tasks, agent, ledger, {
          runId: options.runId,
          jobs: options.jobs,
          runs: options.runs,
          cacheDir: options.cacheDir,
          workRoot: options.workDir,
          pathPrefix: testPathPrefix(),
          isolation: isolationChoice(options),
          onProgress: ({ done, entry }) => {
            earned += entry.payoutCents;
            progress.update(done, `${formatCents(earned)} ${entry.taskId}: ${entry.outcome}`);
          },
        });
        progress.finish();
        const summary = summarize(result.entries);
        if (options.json) {
          printJson(output, {
            run_id: options.runId,
            agent: agent.name,
            ledger: options.ledger,
            attempted: result.attempted,
            resumed: result.resumed,
            ...summary,
            results: result.entries.map((e) => ({
              task_id: e.taskId,
              kind: e.kind,
              outcome: e.outcome,
              reason: e.reason,
              detail: e.detail,
              price_cents: e.priceCents,
              payout_cents: e.payoutCents,
              ...(e.usage ? { usage: e.usage } : {}),
            })),
          });
          return;
        }
        for (const e of result.entries) {
          output.result(
            `${e.outcome.padEnd(12)} ${formatCents(e.payoutCents).padStart(9)} / ${formatCents(e.priceCents).padStart(9)}  ${e.taskId}  ${e.outcome === "pass" ? "" : `(${e.reason}: ${e.detail.slice(0, 100)})`}`,
          );
        }
        output.result("");
        output.result(
          renderMarkdown(summary, `${agent.name} on ${bankDir} (run ${options.runId})`),
        );
        if (result.resumed > 0) {
          output.info(
            `${result.resumed} tasks were already finished in run "${options.runId}" of ${options.ledger} and were not attempted again (use --run-id to start a new run).`,
          );
        }
      } finally {
        ledger.close();
      }
    });
}
