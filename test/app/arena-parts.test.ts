import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { readBotSettings } from "../../src/app/start-bot.ts";
import {
  attemptMarker,
  renderAttemptComment,
  renderStepper,
  type AttemptView,
} from "../../src/core/report/render-attempt.ts";
import { gradeMarker, readGradeMarker } from "../../src/core/report/render-grade.ts";
import { withClaimsTable } from "../../src/github/arena/answer-command.ts";
import { parseGradingRunName } from "../../src/github/arena/dispatch-grading.ts";
import { parseCommand } from "../../src/github/arena/parse-command.ts";
import {
  ConfigError,
  parseLancerConfig,
  renderDefaultConfig,
} from "../../src/github/lancer-config.ts";
import { APP_EVENTS, APP_PERMISSIONS } from "../../src/sandbox/start-sandbox.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("commands in comments", () => {
  it("reads /select, /claim and /lancer commands on the first line only", () => {
    expect(parseCommand("/select 2\n\nbecause")).toEqual({ name: "select", proposal: 2 });
    expect(parseCommand("  /SELECT #3")).toEqual({ name: "select", proposal: 3 });
    expect(parseCommand("/claim")).toEqual({ name: "claim" });
    expect(parseCommand("/lancer status")).toEqual({ name: "status" });
    expect(parseCommand("/lancer regrade")).toEqual({ name: "regrade" });
    expect(parseCommand("I think /select 2")).toBeUndefined();
    expect(parseCommand("thanks\n/select 2")).toBeUndefined();
    expect(parseCommand("/claimed")).toBeUndefined();
    expect(parseCommand(null)).toBeUndefined();
  });
});

describe("the org configuration", () => {
  it("accepts the seeded default and an empty file, with defaults", () => {
    const seeded = parseLancerConfig(renderDefaultConfig({ agents: ["a1"], maintainers: ["m"] }));
    expect(seeded.agents).toEqual(["a1"]);
    expect(seeded.grading).toEqual({ runs: 3, synchronize: false, error_retries: 2 });
    expect(parseLancerConfig("").workflow).toBe("grade.yml");
    expect(parseLancerConfig("").payout).toBe("tests");
    expect(seeded.payout).toBe("tests");
    expect(parseLancerConfig("payout: tests-and-review\n").payout).toBe("tests-and-review");
  });

  it("names payout when its value is not one of the two rules", () => {
    expect(() => parseLancerConfig("payout: review\n")).toThrow(
      /\.github\/lancer\.yml: payout: .*"tests".*"tests-and-review"/,
    );
  });

  it("names the key that is wrong, unknown keys included", () => {
    const keyOf = (text: string) => {
      try {
        parseLancerConfig(text);
        return "valid";
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).key;
      }
    };
    expect(keyOf("grading:\n  runs: many\n")).toBe("grading.runs");
    expect(keyOf("agentz: [x]\n")).toBe("agentz");
    expect(keyOf("grading:\n  retries: 1\n")).toBe("grading.retries");
    expect(keyOf("agents: [not a login]\n")).toBe("agents.0");
    expect(keyOf("workflow: [\n")).toBe("(yaml)");
  });
});

describe("what the app reads back", () => {
  it("parses the grader workflow's run name, and nothing else", () => {
    const sha = "a".repeat(40);
    expect(
      parseGradingRunName(`Lancer grade js-x attempt 2 by bot-1 of arena/js-x#7 at ${sha}`),
    ).toEqual({
      owner: "arena",
      repo: "js-x",
      taskId: "js-x",
      attempt: 2,
      agent: "bot-1",
      pullRequest: 7,
      sha,
    });
    // The old shape, without the agent, is not a grading run any more.
    expect(parseGradingRunName(`Lancer grade js-x attempt 2 of arena/js-x#7 at ${sha}`)).toBe(
      undefined,
    );
    expect(parseGradingRunName(`Lancer grade js-x attempt 2 by bot-1 of arena/js-x#7 at abc`)).toBe(
      undefined,
    );
    expect(parseGradingRunName("CI")).toBeUndefined();
  });

  it("reads the verdict a check run carries, and refuses a broken marker", () => {
    const doc = { verdict: "pass", reason: "ok", tests_passed: 3, tests_failed: 0 };
    const marker = gradeMarker(doc as Parameters<typeof gradeMarker>[0]);
    expect(readGradeMarker(`${marker}\n**Verdict**`)).toEqual(doc);
    expect(readGradeMarker('<!-- lancer:grade {"verdict":"paid"} -->')).toBeUndefined();
    expect(readGradeMarker("no marker")).toBeUndefined();
  });
});

describe("the attempt comment", () => {
  const view: AttemptView = {
    taskId: "js-x",
    kind: "ic",
    priceCents: 25000,
    agent: "bot-1",
    attempt: 1,
    maxAttempts: 2,
    submission: "pull request #3 at abc1234",
    state: "grading",
  };

  it("moves along the stepper as the attempt does", () => {
    expect(renderStepper(view)).toBe("Posted ✅ → Claimed ✅ → Submitted ✅ → Graded ⏳ → Paid ⬜");
    const paid = {
      ...view,
      state: "graded" as const,
      verdict: "pass" as const,
      payoutCents: 25000,
    };
    expect(renderStepper(paid)).toBe("Posted ✅ → Claimed ✅ → Submitted ✅ → Graded ✅ → Paid ✅");
    const failed = { ...view, state: "graded" as const, verdict: "fail" as const, payoutCents: 0 };
    expect(renderStepper(failed)).toBe(
      "Posted ✅ → Claimed ✅ → Submitted ✅ → Graded ✅ → Paid ❌",
    );
    expect(renderStepper({ ...view, state: "error" })).toContain("Graded ⚠️");
  });

  it("says an error is no payout decided, never $0, and carries its marker", () => {
    const text = renderAttemptComment({
      ...view,
      state: "error",
      why: "the grading left no check run",
      retries: { done: 1, max: 2 },
    });
    expect(text.startsWith(attemptMarker("js-x", "bot-1", 1))).toBe(true);
    expect(text).toContain("no payout decided");
    expect(text).not.toContain("$0");
    expect(text).toContain("grading again (1 of 2)");
  });
});

describe("the claims table", () => {
  it("is added once and then replaced in place", () => {
    const claims = [
      { task_id: "t", agent: "a", claimed_at: "2026-01-01T00:00:00.000Z", source: "x" },
    ];
    const deadline = new Date("2026-01-02T00:00:00.000Z");
    const once = withClaimsTable("Task body", claims, deadline);
    expect(once).toContain("| @a | 2026-01-01T00:00:00.000Z | 2026-01-02T00:00:00.000Z |");
    const twice = withClaimsTable(once, [...claims, { ...claims[0]!, agent: "b" }], undefined);
    expect(twice.match(/#### Attempts/g)).toHaveLength(1);
    expect(twice).toContain("| @b | 2026-01-01T00:00:00.000Z | none |");
    expect(twice.startsWith("Task body")).toBe(true);
  });
});

describe("lancer bot settings", () => {
  const key = "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n";
  const good = { APP_ID: "12", PRIVATE_KEY: key, WEBHOOK_SECRET: "s".repeat(32) };

  it("refuses a missing, placeholder or short webhook secret", () => {
    expect(() => readBotSettings({ ...good, WEBHOOK_SECRET: undefined })).toThrow(
      /WEBHOOK_SECRET: missing/,
    );
    expect(() => readBotSettings({ ...good, WEBHOOK_SECRET: "development" })).toThrow(
      /placeholder/,
    );
    expect(() => readBotSettings({ ...good, WEBHOOK_SECRET: "short" })).toThrow(
      /5 characters; use at least 32/,
    );
  });

  it("names every problem at once and never quotes the key or the secret", () => {
    let message = "";
    try {
      readBotSettings({ APP_ID: "x", PRIVATE_KEY: "not a key", WEBHOOK_SECRET: "tiny-secret" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("APP_ID");
    expect(message).toContain("PRIVATE_KEY: expected a PEM");
    expect(message).toContain("WEBHOOK_SECRET");
    expect(message).not.toContain("not a key");
    expect(message).not.toContain("tiny-secret");
  });

  it("reads good settings with defaults", () => {
    const settings = readBotSettings(good);
    expect(settings).toMatchObject({
      appId: 12,
      githubUrl: "https://github.com",
      port: 3000,
      graderRepo: "lancer-grader",
    });
  });
});

describe("app.yml", () => {
  const manifest = parseYaml(readFileSync(path.join(ROOT, "app.yml"), "utf8")) as {
    default_permissions: Record<string, string>;
    default_events: string[];
  };

  it("asks for the permissions the sandbox's app has, no more", () => {
    expect(manifest.default_permissions).toEqual(APP_PERMISSIONS);
  });

  it("subscribes to the events the app handles, each one the sandbox delivers", () => {
    const handled = readFileSync(path.join(ROOT, "src/app/lancer-app.ts"), "utf8");
    const used = new Set([...handled.matchAll(/"([a-z_]+)(?:\.[a-z_]+)?"/g)].map((m) => m[1]!));
    for (const event of manifest.default_events) {
      expect(APP_EVENTS).toContain(event);
      expect(used).toContain(event);
    }
    for (const event of ["pull_request", "issue_comment", "workflow_run", "push"])
      expect(manifest.default_events).toContain(event);
  });
});
