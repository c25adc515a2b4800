import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../src/core/ledger/entry.ts";
import { SqliteLedger } from "../../src/core/ledger/sqlite-ledger.ts";
import {
  startOpenAiServer,
  toolResults,
  type Script,
  type ScriptedResponse,
  type ScriptedServer,
} from "../helpers/openai-server.ts";
import { runLancer, runLancerJson } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyManagerTask, writeTinyTask } from "../helpers/tiny-bank.ts";

const dir = tempDir();
const bank = path.join(dir, "bank");
const ledger = path.join(dir, "ledger.sqlite");
const trajectories = path.join(dir, "trajectories");
const env = { LANCER_CACHE_DIR: path.join(dir, "cache"), OPENAI_API_KEY: "sk-test" };

/** Each scenario is a tiny task whose title names it; its script answers that title. */
const SCENARIOS = {
  malformed: "ic",
  storm: "ic",
  once429: "ic",
  error500: "ic",
  budget: "ic",
  overflow: "ic",
  cutAlways: "ic",
  cutOnce: "ic",
  manager: "manager",
} as const;
type Scenario = keyof typeof SCENARIOS;
const titleOf = (s: Scenario) => `scenario ${s}: add() subtracts`;
for (const [scenario, kind] of Object.entries(SCENARIOS) as Array<[Scenario, string]>) {
  if (kind === "ic") writeTinyTask(bank, scenario, { title: titleOf(scenario) });
  else writeTinyManagerTask(bank, scenario, 2, { title: titleOf(scenario) });
}

const FIX = {
  toolCalls: [
    {
      name: "edit_file",
      arguments: { path: "lib/add.sh", old_text: "$1 - $2", new_text: "$1 + $2" },
    },
  ],
};
const SUBMIT = { toolCalls: [{ name: "submit", arguments: { summary: "done" } }] };
const LIST = { toolCalls: [{ name: "list_files", arguments: {} }] };
const times = (n: number, response: ScriptedResponse) => Array.from({ length: n }, () => response);

const scripts: Record<Scenario, ScriptedResponse[]> = {
  malformed: [
    {
      toolCalls: [
        { name: "read_file", arguments: '{"path": "lib/add.sh"' },
        { name: "delete_everything", arguments: {} },
        { name: "read_file", arguments: { path: "../../../etc/passwd" } },
        { name: "read_file", arguments: { path: "lib/add.sh", lines: 3 } },
        { name: "read_file", arguments: "[1, 2]" },
      ],
    },
    { content: "I think I am done." },
    {
      toolCalls: [
        {
          name: "apply_patch",
          arguments: {
            patch: "--- a/lib/add.sh\n+++ b/lib/add.sh\n@@ -1,1 +1,1 @@\n-nothing like this\n+x\n",
          },
        },
      ],
    },
    SUBMIT,
  ],
  storm: times(4, { status: 429, retryAfter: "0", message: "Rate limit reached" }),
  once429: [{ status: 429, retryAfter: "1" }, FIX, SUBMIT],
  error500: [LIST, ...times(4, { status: 500, message: "upstream exploded" })],
  budget: times(8, LIST),
  overflow: [
    FIX,
    { status: 400, message: "This model's maximum context length is 8192 tokens; you asked 9001" },
  ],
  cutAlways: times(3, { ...LIST, truncate: "cut" }),
  cutOnce: [{ ...FIX, truncate: "end" }, FIX, SUBMIT],
  manager: [
    { toolCalls: [{ name: "select_proposal", arguments: { proposal_id: 7 } }] },
    { content: 'My answer: {"selected_proposal_id": 2, "reason": "the only one that fixes it"}' },
  ],
};

interface RunJson {
  exitCode: number;
  stderr: string;
  results: Array<{ task_id: string; outcome: string; reason: string; detail: string }>;
}

function run(server: ScriptedServer, runId: string, tasks: Scenario[], extra: string[]) {
  return runLancerJson<RunJson>(
    [
      "run",
      bank,
      "--agent",
      "openai",
      "--model",
      "scripted-model",
      "--api-base-url",
      server.url,
      "--max-retries",
      "3",
      "--max-steps",
      "6",
      "--trajectories",
      trajectories,
      "--ledger",
      ledger,
      "--run-id",
      runId,
      "--runs",
      "1",
      "--jobs",
      "4",
      "--tasks",
      tasks.join(","),
      ...extra,
    ],
    { env },
  );
}

describe("the openai agent facing a bad model or a failing endpoint", () => {
  let server: ScriptedServer;
  let plain: RunJson;
  let streamed: RunJson;
  const outcome = (r: RunJson, id: Scenario) => r.results.find((e) => e.task_id === id);
  const requests = (s: Scenario) => server.requestsFor(titleOf(s));

  beforeAll(async () => {
    server = await startOpenAiServer(
      (Object.keys(scripts) as Scenario[]).map((s): Script => ({
        match: titleOf(s),
        responses: scripts[s],
      })),
    );
    [plain, streamed] = await Promise.all([
      run(
        server,
        "plain",
        ["malformed", "storm", "once429", "error500", "budget", "overflow", "manager"],
        [],
      ),
      run(server, "streamed", ["cutAlways", "cutOnce"], ["--stream"]),
    ]);
  });
  afterAll(() => server.close());

  it("ends every scenario with a verdict, never a crash", () => {
    expect(server.problems).toEqual([]);
    for (const result of [plain, streamed]) {
      expect(result.exitCode).toBe(0);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(plain.stderr).toContain(
      'openai agent: no price is known for model "scripted-model": its cost is recorded as $0',
    );
    const verdicts = [...plain.results, ...streamed.results]
      .map((r) => [r.task_id, r.outcome, r.reason])
      .sort();
    expect(verdicts).toEqual(
      [
        ["budget", "fail", "tests-failed"],
        ["cutAlways", "error", "agent-error"],
        ["cutOnce", "pass", "ok"],
        ["error500", "error", "agent-error"],
        ["malformed", "fail", "tests-failed"],
        ["manager", "pass", "ok"],
        ["once429", "pass", "ok"],
        ["overflow", "pass", "ok"],
        ["storm", "error", "agent-error"],
      ].sort(),
    );
  });

  it("answers malformed and refused tool calls with an error the model can read", () => {
    const calls = requests("malformed");
    expect(calls).toHaveLength(4);
    const first = toolResults(calls[1]!);
    expect(first).toHaveLength(5);
    expect(first[0]).toMatch(/^error: the arguments are not valid JSON/);
    expect(first[1]).toMatch(
      /^error: there is no tool "delete_everything"; the tools are list_files,/,
    );
    expect(first[2]).toBe(
      "error: ../../../etc/passwd: outside the repository (paths must stay inside it)",
    );
    expect(first[3]).toMatch(/^error: invalid arguments for read_file: .*lines/);
    expect(first[4]).toBe("error: the arguments must be one JSON object, got [1, 2]");
    const nudge = calls[2]!.body.messages.at(-1)!;
    expect(nudge).toMatchObject({ role: "user" });
    expect(nudge.content).toContain("call submit");
    expect(toolResults(calls[3]!).at(-1)).toMatch(
      /^error: the patch does not apply, nothing was changed:/,
    );
  });

  it("gives up on a 429 storm after the configured retries: verdict error, not a $0 fail", () => {
    expect(requests("storm")).toHaveLength(4);
    expect(outcome(plain, "storm")!.detail).toMatch(/answered HTTP 429 Rate limit reached/);
  });

  it("waits as long as retry-after says, then goes on", () => {
    const [limited, retried] = requests("once429");
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(990);
    expect(requests("once429")).toHaveLength(3);
  });

  it("records what an attempt spent before the endpoint failed", () => {
    expect(requests("error500")).toHaveLength(5);
    expect(outcome(plain, "error500")!.detail).toContain("HTTP 500 upstream exploded");
    const entries = new SqliteLedger(ledger);
    try {
      const byTask = new Map<string, LedgerEntry>(
        entries.entries({ runId: "plain" }).map((e) => [e.taskId, e]),
      );
      expect(byTask.get("error500")!.usage).toEqual({
        prompt_tokens: 1000,
        completion_tokens: 100,
        cost_usd: 0,
      });
      expect(byTask.get("storm")!.usage).toEqual({
        prompt_tokens: 0,
        completion_tokens: 0,
        cost_usd: 0,
      });
      expect(byTask.get("budget")!.usage?.prompt_tokens).toBe(6000);
    } finally {
      entries.close();
    }
  });

  it("stops cleanly when the step budget is spent and grades what was done", () => {
    expect(requests("budget")).toHaveLength(6);
    const trajectory = readFileSync(path.join(trajectories, "plain", "budget-1.jsonl"), "utf8");
    expect(trajectory).toContain('"text":"stopped: step budget spent (6 of 6 steps)"');
    expect(trajectory).toContain('"type":"end","outcome":"budget"');
  });

  it("grades what was done when the conversation outgrows the model's context", () => {
    expect(requests("overflow")).toHaveLength(2);
    const trajectory = readFileSync(path.join(trajectories, "plain", "overflow-1.jsonl"), "utf8");
    expect(trajectory).toContain("stopped: the conversation outgrew the model's context");
    expect(trajectory).toContain('"type":"end","outcome":"context"');
  });

  it("asks again after a cut stream, and ends with error when every answer is cut", () => {
    expect(requests("cutAlways")).toHaveLength(3);
    expect(outcome(streamed, "cutAlways")!.detail).toMatch(/\(3 tries\)$/);
    expect(requests("cutOnce")).toHaveLength(3);
    expect(requests("cutOnce").every((r) => r.body.stream === true)).toBe(true);
    expect(streamed.stderr).toContain("cutOnce: answer cut short, asking again");
  });

  it("refuses a proposal that does not exist and takes a JSON answer in text", () => {
    const calls = requests("manager");
    expect(toolResults(calls[1]!)).toEqual([
      "error: there is no proposal 7; the proposal ids are 0, 1, 2",
    ]);
    const trajectory = readFileSync(path.join(trajectories, "plain", "manager-1.jsonl"), "utf8");
    expect(trajectory).toContain('"detail":"selected proposal 2"');
  });
});

describe("lancer run --agent openai usage errors", () => {
  const base = ["run", bank, "--ledger", ledger, "--tasks", "manager"];

  it("explains a missing model, a missing key, a bad prices file and options meant for openai", async () => {
    const noModel = await runLancer([...base, "--agent", "openai"], { env });
    expect(noModel.exitCode).toBe(1);
    expect(noModel.stderr).toContain("--agent openai needs --model <name>");
    const noKey = await runLancer(
      [...base, "--agent", "openai", "--model", "m", "--api-key-env", "LANCER_NO_SUCH_KEY"],
      {
        env,
      },
    );
    expect(noKey.exitCode).toBe(1);
    expect(noKey.stderr).toContain("--agent openai needs an API key in $LANCER_NO_SUCH_KEY");
    const prices = path.join(dir, "bad-prices.yaml");
    writeFileSync(prices, "gpt-4o:\n  prompt: -1\n");
    const badPrices = await runLancer(
      [...base, "--agent", "openai", "--model", "m", "--prices", prices],
      { env },
    );
    expect(badPrices.exitCode).toBe(1);
    expect(badPrices.stderr).toContain(`--prices: prices file ${prices}: gpt-4o.prompt:`);
    expect(badPrices.stderr).toContain(`prices file ${prices}: gpt-4o.completion:`);
    const badUrl = await runLancer(
      [...base, "--agent", "openai", "--model", "m", "--api-base-url", "localhost:1"],
      { env },
    );
    expect(badUrl.stderr).toContain("baseUrl: an http(s) URL");
    const other = await runLancer([...base, "--agent", "noop", "--model", "m", "--stream"], {
      env,
    });
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain(
      "--model, --stream: only for --agent openai (the agent is noop)",
    );
  });
});
