import { describe, expect, it } from "vitest";
import { renderTrajectoryMarkdown, type TrajectoryEntry } from "../../../src/agent/openai/index.ts";

const at = "2026-01-01T00:00:00.000Z";

function trajectory(steps: number, resultText = (n: number) => `result ${n}`): TrajectoryEntry[] {
  const entries: TrajectoryEntry[] = [
    {
      at,
      type: "start",
      task_id: "t1",
      kind: "ic",
      model: "m",
      base_url: "http://x/v1",
      stream: false,
      limits: { max_steps: 50, max_tokens: null, max_cost_usd: null },
    },
    { at, type: "message", message: { role: "system", content: "be good" } },
    { at, type: "message", message: { role: "user", content: "fix it" } },
  ];
  for (let n = 1; n <= steps; n += 1) {
    entries.push(
      {
        at,
        type: "message",
        message: {
          role: "assistant",
          content: `thinking ${n}`,
          tool_calls: [
            {
              id: `c${n}`,
              type: "function",
              function: { name: "read_file", arguments: `{"n":${n}}` },
            },
          ],
        },
      },
      {
        at,
        type: "message",
        message: { role: "tool", tool_call_id: `c${n}`, content: resultText(n) },
        tool: { name: "read_file", ok: true, duration_ms: 3 },
      },
      {
        at,
        type: "usage",
        step: n,
        prompt_tokens: 10,
        completion_tokens: 1,
        reported: true,
        total: { prompt_tokens: 10 * n, completion_tokens: n, cost_usd: 0.001 * n },
      },
    );
  }
  entries.push({
    at,
    type: "end",
    outcome: "final",
    detail: "called submit",
    usage: { prompt_tokens: 10 * steps, completion_tokens: steps, cost_usd: 0.001 * steps },
  });
  return entries;
}

describe("renderTrajectoryMarkdown", () => {
  it("summarises the attempt in a collapsed block, every step inside", async () => {
    const markdown = await renderTrajectoryMarkdown(trajectory(2));
    expect(
      markdown.startsWith(
        "<details>\n<summary>Agent trajectory: m on t1, 2 steps, 22 tokens, $0.0020, ended: final</summary>\n\n",
      ),
    ).toBe(true);
    expect(markdown).toContain(
      '**Step 2**\n\nthinking 2\n\n→ `read_file`\n\n```json\n{"n":2}\n```',
    );
    expect(markdown).toContain(
      "<details><summary>read_file result (ok, 3 ms)</summary>\n\n```\nresult 1\n```",
    );
    expect(markdown.endsWith("**End:** final: called submit\n\n</details>\n")).toBe(true);
  });

  it("keeps the first and last steps within the limit and says how many were left out", async () => {
    const markdown = await renderTrajectoryMarkdown(trajectory(200), 5_000);
    expect(markdown.length).toBeLessThanOrEqual(5_000);
    expect(markdown).toContain("**Step 1**");
    expect(markdown).toContain("**Step 200**");
    expect(markdown).not.toContain("**Step 100**");
    expect(markdown).toMatch(/\*\[\.\.\. \d+ entries left out to fit 5000 characters \.\.\.\]\*/);
    expect(markdown.endsWith("</details>\n")).toBe(true);
  });

  it("keeps tool output from breaking out of its code block or the summary", async () => {
    const markdown = await renderTrajectoryMarkdown(
      trajectory(1, () => "```\n</details>\n" + "y".repeat(10_000)),
    );
    expect(markdown).toContain("````\n```\n</details>\nyyy");
    expect(markdown).toContain("characters cut ...]");
    expect(markdown.length).toBeLessThan(6_000);
  });
});
