import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChatClient, EndpointError } from "../../../src/agent/openai/chat-client.ts";
import { startOpenAiServer, type ScriptedServer } from "../../helpers/openai-server.ts";

const KEY = "sk-very-secret";

describe.each([false, true])("chat client (stream: %s)", (stream) => {
  let server: ScriptedServer;
  const notes: string[] = [];
  const client = () =>
    createChatClient({
      model: "m",
      baseUrl: server.url,
      apiKey: KEY,
      stream,
      maxRetries: 2,
      incompleteRetries: 1,
      timeoutMs: 10_000,
      onNote: (text) => notes.push(text),
    });
  const ask = (match: string) => client().complete([{ role: "user", content: match }], []);

  beforeAll(async () => {
    server = await startOpenAiServer([
      {
        match: "calls",
        responses: [
          {
            content: "two calls",
            toolCalls: [
              { name: "read_file", arguments: { path: "a.js" }, id: "x1" },
              { name: "submit", arguments: {}, id: "x2" },
            ],
          },
        ],
      },
      { match: "no usage", responses: [{ content: "hi", usage: null }] },
      {
        match: "cut once",
        responses: [{ content: "partial", truncate: "cut" }, { content: "whole" }],
      },
      {
        match: "cut twice",
        responses: [
          { content: "a", truncate: "end" },
          { content: "b", truncate: "cut" },
        ],
      },
      { match: "refused", responses: [{ status: 401, message: `bad key ${KEY}` }] },
      {
        match: "flaky",
        responses: [
          { status: 503, retryAfter: "0" },
          { status: 429, retryAfter: "0" },
          { content: "up" },
        ],
      },
    ]);
  });
  afterAll(() => server.close());

  it("returns the assistant message with its tool calls and usage", async () => {
    await expect(ask("calls")).resolves.toEqual({
      message: {
        role: "assistant",
        content: "two calls",
        tool_calls: [
          {
            id: "x1",
            type: "function",
            function: { name: "read_file", arguments: '{"path":"a.js"}' },
          },
          { id: "x2", type: "function", function: { name: "submit", arguments: "{}" } },
        ],
      },
      finishReason: "tool_calls",
      usage: { prompt_tokens: 1000, completion_tokens: 100 },
    });
    expect(server.requestsFor("calls")[0]!.body.stream ?? false).toBe(stream);
  });

  it("leaves usage out when the endpoint reports none", async () => {
    const turn = await ask("no usage");
    expect(turn.message.content).toBe("hi");
    expect(turn.usage).toBeUndefined();
  });

  it("asks again after an answer cut short, and gives up after the allowed retries", async () => {
    await expect(ask("cut once")).resolves.toMatchObject({ message: { content: "whole" } });
    expect(notes.some((n) => n.startsWith("answer cut short, asking again"))).toBe(true);
    const error = await ask("cut twice").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as Error).message).toMatch(/\(2 tries\)$/);
    expect(server.requestsFor("cut twice")).toHaveLength(2);
  });

  it("retries 429 and 5xx through the package, but not a refused key, and never repeats the key", async () => {
    await expect(ask("flaky")).resolves.toMatchObject({ message: { content: "up" } });
    expect(server.requestsFor("flaky")).toHaveLength(3);
    const error = await ask("refused").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as Error).message).toBe(`${server.url} answered HTTP 401 bad key [key]`);
    expect(server.requestsFor("refused")).toHaveLength(1);
  });
});
