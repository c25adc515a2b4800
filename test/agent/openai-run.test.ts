import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderTrajectoryMarkdown } from "../../src/agent/openai/index.ts";
import { SqliteLedger } from "../../src/core/ledger/sqlite-ledger.ts";
import {
  startOpenAiServer,
  toolResults,
  type Script,
  type ScriptedServer,
} from "../helpers/openai-server.ts";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const BANK = path.resolve(import.meta.dirname, "../../fixtures/tasks");
const KEY = "sk-scripted-0123456789";
const dir = tempDir();
const ledger = path.join(dir, "ledger.sqlite");
const trajectories = path.join(dir, "trajectories");
const prices = path.join(dir, "prices.yaml");
writeFileSync(prices, "scripted-model:\n  prompt: 3\n  completion: 15\n");
const env = { LANCER_CACHE_DIR: path.join(dir, "cache"), OPENAI_API_KEY: KEY };

const SLUGIFY = "js-slugify-accents";
const BUMPVER = "sh-bumpver-reset";
const DUE_DATE = "mgr-due-date-off-by-one";
const SEARCH = "mgr-search-stale-results";

function taskYaml(id: string): string {
  return readFileSync(path.join(BANK, id, "task.yaml"), "utf8");
}

/** The title line of a fixture task: what its first user message (and so its script) holds. */
function title(id: string): string {
  const match = /^title: "(.*)"$/m.exec(taskYaml(id));
  return JSON.parse(`"${match![1]}"`) as string;
}

/** Every file under a task's hidden/ folder: none may ever reach the model. */
function hiddenTexts(id: string): string[] {
  const root = path.join(BANK, id, "hidden");
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name), "utf8"));
}

/** The names of a task's fail_to_pass tests (leaf names), which only hidden tests mention. */
function hiddenTestNames(id: string): string[] {
  const block = /fail_to_pass:\n((?:\s+- .*\n)+)/.exec(taskYaml(id))![1]!;
  return block
    .split("\n")
    .filter(Boolean)
    .map((line) =>
      line
        .replace(/^\s+- /, "")
        .split(" > ")
        .at(-1)!,
    );
}

const slugifyScript: Script = {
  match: title(SLUGIFY),
  responses: [
    {
      content: "Let me look around.",
      toolCalls: [
        { name: "list_files", arguments: { path: "src" } },
        { name: "search_text", arguments: { pattern: "transliterate(input" } },
      ],
    },
    {
      toolCalls: [
        { name: "read_file", arguments: { path: "src/slugify.js", start_line: 16, end_line: 18 } },
      ],
    },
    {
      toolCalls: [
        {
          name: "edit_file",
          arguments: {
            path: "src/slugify.js",
            old_text: "  let text = transliterate(input, { ...charMap, ...custom });\n",
            new_text:
              "  let text = transliterate(input, { ...charMap, ...custom });\n" +
              '  text = transliterate(text.normalize("NFD").replace(/\\p{M}+/gu, ""), charMap);\n',
          },
        },
      ],
    },
    {
      toolCalls: [
        {
          name: "run_shell",
          arguments: { command: "node --test > /dev/null && echo visible-tests-pass" },
        },
      ],
    },
    { toolCalls: [{ name: "submit", arguments: { summary: "strip combining marks after NFD" } }] },
  ],
};

const bumpverScript: Script = {
  match: title(BUMPVER),
  responses: [
    {
      toolCalls: [
        {
          name: "apply_patch",
          arguments: { patch: readFileSync(path.join(BANK, BUMPVER, "gold.patch"), "utf8") },
        },
      ],
    },
    { toolCalls: [{ name: "submit", arguments: {} }] },
  ],
};

function managerScript(id: string, proposal: number): Script {
  return {
    match: title(id),
    responses: [
      {
        toolCalls: [
          {
            name: "select_proposal",
            arguments: { proposal_id: proposal, reason: "fixes the root cause" },
          },
        ],
      },
    ],
  };
}

interface RunJson {
  exitCode: number;
  agent: string;
  earned_cents: number;
  available_cents: number;
  usage: { prompt_tokens: number; completion_tokens: number; cost_usd: number };
  results: Array<{
    task_id: string;
    outcome: string;
    reason: string;
    payout_cents: number;
    usage?: { prompt_tokens: number; completion_tokens: number; cost_usd: number };
  }>;
}

function run(server: ScriptedServer, runId: string, tasks: string[], extra: string[] = []) {
  return runLancerJson<RunJson>(
    [
      "run",
      BANK,
      "--agent",
      "openai",
      "--model",
      "scripted-model",
      "--api-base-url",
      server.url,
      "--prices",
      prices,
      "--trajectories",
      trajectories,
      "--ledger",
      ledger,
      "--run-id",
      runId,
      "--runs",
      "1",
      "--tasks",
      tasks.join(","),
      ...extra,
    ],
    { env },
  );
}

describe("lancer run --agent openai against a scripted endpoint", () => {
  let plain: ScriptedServer;
  let streamed: ScriptedServer;
  let plainRun: RunJson;
  let streamedRun: RunJson;

  beforeAll(async () => {
    plain = await startOpenAiServer([slugifyScript, bumpverScript, managerScript(DUE_DATE, 1)]);
    streamed = await startOpenAiServer([slugifyScript, managerScript(SEARCH, 3)]);
    [plainRun, streamedRun] = await Promise.all([
      run(plain, "plain", [SLUGIFY, BUMPVER, DUE_DATE]),
      run(streamed, "streamed", [SLUGIFY, SEARCH], ["--stream"]),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain.close(), streamed.close()]);
  });

  it("solves two IC tasks and a manager task and earns their prices", () => {
    expect(plain.problems).toEqual([]);
    expect(plainRun.exitCode).toBe(0);
    expect(plainRun.agent).toBe("openai:scripted-model");
    expect(plainRun.results.map((r) => [r.task_id, r.outcome, r.payout_cents])).toEqual([
      [SLUGIFY, "pass", 25_000],
      [DUE_DATE, "pass", 50_000],
      [BUMPVER, "pass", 28_000],
    ]);
    expect(plainRun.earned_cents).toBe(103_000);
    expect(plainRun.results.map((r) => [r.task_id, r.usage?.prompt_tokens])).toEqual([
      [SLUGIFY, 5000],
      [DUE_DATE, 1000],
      [BUMPVER, 2000],
    ]);
    // 8 model calls of 1000 prompt and 100 completion tokens at $3 / $15 per million.
    expect(plainRun.usage.prompt_tokens).toBe(8000);
    expect(plainRun.usage.completion_tokens).toBe(800);
    expect(plainRun.usage.cost_usd).toBeCloseTo(0.036, 10);
  });

  it("streams when asked, with the same results", () => {
    expect(streamed.problems).toEqual([]);
    expect(streamed.requests.every((r) => r.body.stream === true)).toBe(true);
    expect(streamed.requests.every((r) => r.body.stream_options?.include_usage === true)).toBe(
      true,
    );
    expect(plain.requests.every((r) => r.body.stream !== true)).toBe(true);
    expect(streamedRun.results.map((r) => [r.task_id, r.outcome])).toEqual([
      [SLUGIFY, "pass"],
      [SEARCH, "pass"],
    ]);
    expect(streamedRun.earned_cents).toBe(25_000 + 200_000);
    expect(streamedRun.usage).toMatchObject({ prompt_tokens: 6000, completion_tokens: 600 });
  });

  it("sends the key, the model and the tools, and tells the model what each tool did", () => {
    const requests = plain.requestsFor(title(SLUGIFY));
    expect(requests).toHaveLength(5);
    for (const request of plain.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(request.body.model).toBe("scripted-model");
    }
    expect(requests[0]!.body.tools!.map((t) => t.function.name)).toEqual([
      "list_files",
      "read_file",
      "search_text",
      "edit_file",
      "apply_patch",
      "run_shell",
      "submit",
    ]);
    const results = toolResults(requests[4]!);
    expect(results[0]).toBe("src/charmap.js\nsrc/index.js\nsrc/slugify.js");
    expect(results[1]).toContain(
      "src/slugify.js:16:  let text = transliterate(input, { ...charMap, ...custom });",
    );
    expect(results[2]).toMatch(/^16\t {2}let text = transliterate/);
    expect(results[2]).toContain("[lines 16-18 of");
    expect(results[3]).toBe("edited src/slugify.js (1 replacement)");
    expect(results[4]).toMatch(/^exit code 0\n--- stdout ---\nvisible-tests-pass\n/);
    const manager = plain.requestsFor(title(DUE_DATE))[0]!;
    expect(manager.body.tools!.map((t) => t.function.name)).toEqual(["select_proposal"]);
    const prompt = manager.body.messages.find((m) => m.role === "user")!.content!;
    expect(prompt).toContain("$500");
    expect(prompt).toMatch(/## Proposal 0 \(by \S+\)/);
    expect(prompt).toContain("## Proposal 3");
    expect(plain.requestsFor(title(SLUGIFY))[0]!.body.messages[1]!.content).toContain(
      "The reward for a correct fix is $250.",
    );
  });

  it("never shows the model a hidden test, its name, or the key in a trajectory", () => {
    const all = [...plain.requests, ...streamed.requests].map((r) => r.raw).join("\n");
    for (const id of [SLUGIFY, BUMPVER]) {
      for (const text of hiddenTexts(id)) expect(all).not.toContain(text.trim());
      for (const name of hiddenTestNames(id)) expect(all).not.toContain(name);
    }
    expect(all).not.toContain("correct_proposal_id");
    const saved = readdirSync(trajectories, { recursive: true }).map(String).sort();
    expect(saved).toEqual(
      [
        "plain",
        `plain/${DUE_DATE}-1.jsonl`,
        `plain/${SLUGIFY}-1.jsonl`,
        `plain/${BUMPVER}-1.jsonl`,
        "streamed",
        `streamed/${SEARCH}-1.jsonl`,
        `streamed/${SLUGIFY}-1.jsonl`,
      ].sort(),
    );
    for (const file of saved.filter((f) => f.endsWith(".jsonl")))
      expect(readFileSync(path.join(trajectories, file), "utf8")).not.toContain(KEY);
  });

  it("saves a trajectory that renders as a capped collapsed summary", async () => {
    const file = path.join(trajectories, "plain", `${SLUGIFY}-1.jsonl`);
    const entries = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(entries.map((e) => e.type).filter((t) => t !== "message")).toEqual([
      "start",
      "usage",
      "usage",
      "usage",
      "usage",
      "usage",
      "end",
    ]);
    const markdown = await renderTrajectoryMarkdown(file);
    expect(markdown).toMatch(
      /^<details>\n<summary>Agent trajectory: scripted-model on js-slugify-accents, 5 steps, 5500 tokens, \$0\.0225, ended: final<\/summary>/,
    );
    expect(markdown).toContain("→ `edit_file`");
    expect(markdown.trimEnd().endsWith("</details>")).toBe(true);
    const small = await renderTrajectoryMarkdown(file, 2_000);
    expect(small.length).toBeLessThanOrEqual(2_000);
    expect(small).toContain("entries left out");
  });

  it("keeps the manager's reason in the ledger", () => {
    const entries = new SqliteLedger(ledger);
    try {
      const manager = entries.entries({ runId: "plain" }).find((e) => e.taskId === DUE_DATE)!;
      expect(manager.runs).toEqual([{ selected_proposal_id: 1, reason: "fixes the root cause" }]);
    } finally {
      entries.close();
    }
  });

  it("shows tokens and cost in lancer report", async () => {
    const md = await runLancer(["report", "--ledger", ledger, "--run-id", "plain"]);
    expect(md.stdout).toContain("Earned **$1,030** of $1,030 (100.0%)");
    expect(md.stdout).toContain("Model usage: 8000 prompt tokens, 800 completion tokens, $0.0360.");
    expect(md.stdout).toContain(
      "| plain | openai:scripted-model | 3 | 3 | $1,030 | $1,030 | 8800 | $0.0360 |",
    );
    expect(md.stdout).toContain(
      "| streamed | openai:scripted-model | 2 | 2 | $2,250 | $2,250 | 6600 | $0.0270 |",
    );
    const json = await runLancerJson<RunJson>([
      "report",
      "--ledger",
      ledger,
      "--run-id",
      "streamed",
    ]);
    expect(json.usage.prompt_tokens).toBe(6000);
    expect(json.usage.cost_usd).toBeCloseTo(6 * 0.0045, 10);
  });
});
