import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { formatCents } from "../../core/money.ts";
import { DEFAULT_GRADER_REPO, DEFAULT_LEDGER_REPO } from "../../github/lancer-config.ts";
import {
  DEFAULT_ACTION_REF,
  seedBank,
  type SeedAuth,
  type SeedReport,
} from "../../github/seed/seed-bank.ts";
import type { SandboxInfo } from "../../sandbox/start-sandbox.ts";
import { cacheDirOption, positiveInt, workDirOption } from "../options.ts";
import { printJson, UsageError, type Output } from "../output.ts";
import { createProgress } from "../progress.ts";

interface SeedCliOptions {
  org?: string;
  githubUrl?: string;
  sandbox?: string;
  appId?: string;
  privateKeyPath?: string;
  tokenEnv?: string;
  only?: string;
  agents?: string;
  maintainers?: string;
  graderRepo: string;
  ledgerRepo: string;
  action: string;
  perMinute: number;
  perHour: number;
  cacheDir: string;
  workDir: string;
  json?: boolean;
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

async function readSandboxInfo(dir: string): Promise<SandboxInfo> {
  const file = path.join(dir, "sandbox.json");
  const text = await readFile(file, "utf8").catch(() => {
    throw new UsageError(`--sandbox: ${file} cannot be read (start one with \`lancer sandbox\`)`);
  });
  try {
    const info = JSON.parse(text) as SandboxInfo;
    if (!info.url || !info.org || !info.app?.id || !info.app.privateKeyPath) throw new Error();
    return info;
  } catch {
    throw new UsageError(
      `--sandbox: ${file} is not a sandbox.json (expected url, org, app.id, app.privateKeyPath)`,
    );
  }
}

async function readKeyFile(file: string, source: string): Promise<string> {
  return readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${source}: the private key ${file} cannot be read (${error.code})`);
  });
}

function appId(value: string, source: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`${source}: expected the app's numeric id, got "${value}"`);
  return Number(value.trim());
}

/**
 * The credentials, from the first of: --token-env, --app-id/--private-key-path, --sandbox's
 * sandbox.json, the APP_ID + PRIVATE_KEY (or PRIVATE_KEY_PATH) environment of the app's .env.
 */
async function resolveAuth(
  options: SeedCliOptions,
  sandbox: SandboxInfo | undefined,
  env: NodeJS.ProcessEnv,
): Promise<SeedAuth> {
  if (options.tokenEnv) {
    const token = env[options.tokenEnv];
    if (!token)
      throw new UsageError(`--token-env: the environment variable ${options.tokenEnv} is empty`);
    return { token };
  }
  if (options.appId || options.privateKeyPath) {
    if (!options.appId) throw new UsageError("--private-key-path needs --app-id");
    if (!options.privateKeyPath) throw new UsageError("--app-id needs --private-key-path");
    return {
      appId: appId(options.appId, "--app-id"),
      privateKey: await readKeyFile(options.privateKeyPath, "--private-key-path"),
    };
  }
  if (sandbox) {
    return {
      appId: sandbox.app.id,
      privateKey: await readKeyFile(sandbox.app.privateKeyPath, "--sandbox"),
    };
  }
  if (env.APP_ID) {
    if (env.PRIVATE_KEY)
      return {
        appId: appId(env.APP_ID, "APP_ID"),
        privateKey: env.PRIVATE_KEY.replace(/\\n/g, "\n"),
      };
    if (env.PRIVATE_KEY_PATH)
      return {
        appId: appId(env.APP_ID, "APP_ID"),
        privateKey: await readKeyFile(env.PRIVATE_KEY_PATH, "PRIVATE_KEY_PATH"),
      };
    throw new UsageError("APP_ID is set but neither PRIVATE_KEY nor PRIVATE_KEY_PATH is");
  }
  throw new UsageError(
    "no GitHub credentials: set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) as in the app's .env, pass --app-id and --private-key-path, --token-env NAME, or --sandbox DIR",
  );
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

function describeCreated(task: SeedReport["tasks"][number]): string {
  const made = [
    ...(task.created.repo ? ["repo"] : []),
    ...(task.created.content === "pushed" ? ["base"] : []),
    ...(task.created.content === "replaced" ? ["base replaced"] : []),
    ...(task.created.collaborators.length
      ? [`access: ${task.created.collaborators.join(" ")}`]
      : []),
    ...(task.created.issue ? ["issue"] : []),
    ...(task.created.proposals ? [`${task.created.proposals} proposals`] : []),
  ];
  return made.length ? made.join(", ") : "nothing new";
}

function printReport(output: Output, report: SeedReport): void {
  const { totals } = report;
  output.result(
    `Seeded ${totals.tasks} tasks (${totals.ic} IC, ${totals.manager} manager, ${formatCents(totals.price_cents)}) on ${report.org} at ${report.server_url} in ${seconds(report.elapsed_ms)}`,
  );
  output.result("");
  const width = Math.max(4, ...report.tasks.map((t) => t.id.length));
  output.result(`${"TASK".padEnd(width)}  KIND     ${"PRICE".padStart(9)}  CREATED / ISSUE`);
  for (const task of report.tasks) {
    output.result(
      `${task.id.padEnd(width)}  ${task.kind.padEnd(7)}  ${formatCents(task.price_cents).padStart(9)}  ${describeCreated(task)}`,
    );
    output.result(`${" ".repeat(width + 22)}${task.issue_url}`);
  }
  for (const task of report.skipped) output.result(`skipped ${task.id}: ${task.reason}`);
  output.result("");
  const { grader, ledger, requests } = report;
  output.result(
    `grader  ${grader.repository} (private): ${grader.created ? "created, " : ""}${grader.pushed ? `pushed ${grader.commit.slice(0, 12)}` : "unchanged"}${grader.config_written ? ", config written" : ""}`,
  );
  output.result(
    `ledger  ${ledger.repository}: ${ledger.created ? "created, " : ""}${ledger.catalogue_written ? "tasks.json updated" : "tasks.json unchanged"} (${ledger.catalogue_tasks} tasks listed)`,
  );
  output.result(
    `totals  ${totals.repos_created} repos, ${totals.issues_created} issues, ${totals.proposals_created} proposals created; ${totals.issues_found} issues found`,
  );
  output.result(
    `GitHub  ${requests.total} REST requests (${requests.creating} creating, ${requests.retries} retried, ${seconds(requests.waited_ms)} waiting for rate limits)`,
  );
}

export function registerSeed(program: Command, output: Output): void {
  program
    .command("seed")
    .description(
      "put a bank on GitHub: a private grader repository, a public mirror with its task issue per task, and the ledger's task list",
    )
    .argument("<bank>", "bank folder")
    .option("--org <login>", "the organization (the app must be installed on it)")
    .option(
      "--github-url <url>",
      "GitHub's web URL: GitHub Enterprise or the sandbox (default https://github.com)",
    )
    .option(
      "--sandbox <dir>",
      "seed the sandbox whose state folder is DIR (reads DIR/sandbox.json: url, org, app, users)",
    )
    .option("--app-id <id>", "the GitHub App's id (default: APP_ID)")
    .option(
      "--private-key-path <file>",
      "the app's private key (default: PRIVATE_KEY or PRIVATE_KEY_PATH)",
    )
    .option("--token-env <name>", "environment variable holding an installation or personal token")
    .option("--only <ids>", "only these task ids (comma-separated)")
    .option("--agents <logins>", "accounts given push access to every mirror (comma-separated)")
    .option("--maintainers <logins>", "accounts listed as maintainers in a new config")
    .option("--grader-repo <name>", "the private grader repository", DEFAULT_GRADER_REPO)
    .option("--ledger-repo <name>", "the ledger repository", DEFAULT_LEDGER_REPO)
    .option("--action <ref>", "the action the grading workflow uses", DEFAULT_ACTION_REF)
    .option("--per-minute <n>", "content-creating requests a minute at most", positiveInt, 80)
    .option("--per-hour <n>", "content-creating requests an hour at most", positiveInt, 500)
    .addOption(cacheDirOption())
    .addOption(workDirOption("where scratch repositories are made"))
    .option("--json", "print the seed report as JSON")
    .addHelpText(
      "after",
      [
        "",
        "Issues are opened by whoever the credentials are: use the app's (APP_ID and PRIVATE_KEY,",
        "as in its .env) so that the app recognises them. Seeding again creates only what is missing.",
        "",
        "Examples:",
        "  APP_ID=123 PRIVATE_KEY_PATH=lancer.pem lancer seed fixtures/tasks --org my-arena --agents my-bot",
        "  lancer seed fixtures/tasks --sandbox .lancer/sandbox --only js-slugify-accents,mgr-due-date-off-by-one",
      ].join("\n"),
    )
    .action(async (bankDir: string, options: SeedCliOptions) => {
      const sandbox = options.sandbox ? await readSandboxInfo(options.sandbox) : undefined;
      const org = options.org ?? sandbox?.org;
      if (!org)
        throw new UsageError(
          "--org: required (the organization to seed), unless --sandbox gives it",
        );
      const auth = await resolveAuth(options, sandbox, process.env);
      const only = list(options.only);
      if (only && only.length === 0) throw new UsageError("--only: expected task ids, got none");
      let bar: ReturnType<typeof createProgress> | undefined;
      const report = await seedBank({
        bankDir,
        org,
        serverUrl: options.githubUrl ?? sandbox?.url ?? "https://github.com",
        auth,
        ...(only ? { only } : {}),
        agents: list(options.agents) ?? (sandbox ? [sandbox.users.agent] : []),
        maintainers: list(options.maintainers) ?? (sandbox ? [sandbox.users.admin] : []),
        graderRepo: options.graderRepo,
        ledgerRepo: options.ledgerRepo,
        actionRef: options.action,
        limits: { perMinute: options.perMinute, perHour: options.perHour },
        cacheDir: options.cacheDir,
        workDir: options.workDir,
        onProgress: ({ done, total, step, note }) => {
          bar ??= createProgress(output, total, "seed");
          bar.update(done, `${step}: ${note}`);
        },
        onWait: (ms, reason) => {
          if (ms >= 5000) output.info(`waiting ${seconds(ms)} for ${reason}`);
        },
      }).finally(() => bar?.finish());
      if (options.json) return printJson(output, report);
      printReport(output, report);
    });
}
