import { describe, expect, it } from "vitest";
import { displayUrl, parseSettings } from "../../../src/agent/openai/settings.ts";

describe("parseSettings", () => {
  it("fills in the defaults", () => {
    expect(parseSettings({ model: "m", apiKey: "k", trajectoryDir: "t" })).toMatchObject({
      baseUrl: "https://api.openai.com/v1",
      stream: false,
      maxSteps: 50,
      maxRetries: 5,
      incompleteRetries: 2,
    });
  });

  it("names every bad field and never repeats the key", () => {
    const error = (() => {
      try {
        parseSettings({
          model: " ",
          apiKey: "sk-secret",
          baseUrl: "ftp://x",
          maxSteps: 0,
          trajectoryDir: "t",
        });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message.split("\n")).toEqual([
      "openai agent: model: a model name, e.g. gpt-4o",
      "openai agent: baseUrl: an http(s) URL such as http://localhost:11434/v1",
      expect.stringMatching(/^openai agent: maxSteps: /),
    ]);
    expect(error?.message).not.toContain("sk-secret");
  });
});

describe("displayUrl", () => {
  it("masks credentials in a base URL and leaves others as they are", () => {
    expect(displayUrl("https://bob:hunter2@proxy.example/v1")).toBe("https://***@proxy.example/v1");
    expect(displayUrl("http://localhost:11434/v1")).toBe("http://localhost:11434/v1");
  });
});
