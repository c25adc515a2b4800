import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-dir.ts";
import { expectNamedError, expectTreeUnchanged, makeSentinels, snapshotTree } from "./harness.ts";

// The Action's entry point run as the runner runs it (node, INPUT_* variables, a workspace and
// a temp folder), from this checkout's sources: dist/ is rebuilt by the owner.
const ENTRY = path.resolve(import.meta.dirname, "../../src/action/index.ts");
const BANK = path.resolve(import.meta.dirname, "../../fixtures/tasks");
const dir = tempDir("lancer-bad-action-");
const workspace = path.join(dir, "workspace");
const runnerTemp = path.join(dir, "runner-temp");
const events = path.join(dir, "events");
for (const folder of [workspace, runnerTemp, events]) mkdirSync(folder, { recursive: true });
writeFileSync(path.join(workspace, "index.js"), "export const candidate = true;\n");
const event = (name: string, text: string) => {
  const at = path.join(events, name);
  writeFileSync(at, text);
  return at;
};
const emptyEvent = event("empty.json", "");
const brokenEvent = event("broken.json", '{"pull_request": {"number": 1,');
const arrayEvent = event("array.json", "[]");
const pushEvent = event("push.json", JSON.stringify({ ref: "refs/heads/main", after: "a" }));
const noPullRequest = event("no-pr.json", JSON.stringify({ action: "opened", number: 3 }));
const noHeadSha = event(
  "no-sha.json",
  JSON.stringify({ action: "opened", pull_request: { number: 3, head: { ref: "fix" } } }),
);
const aFile = event("not-a-folder", "a file\n");

/** Runs the Action with these inputs (`with:`) and runner variables; only these, no outer ones. */
async function runAction(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<{ exitCode: number; output: string; failure: string | undefined }> {
  const variables: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    GITHUB_REPOSITORY: "acme/widget",
    ...env,
  };
  for (const [name, value] of Object.entries(inputs))
    variables[`INPUT_${name.toUpperCase()}`] = value;
  const result = await execa(process.execPath, [ENTRY], {
    env: variables,
    extendEnv: false,
    reject: false,
    cwd: workspace,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  const failure = /^::error::(.*)$/m.exec(result.stdout)?.[1];
  return { exitCode: result.exitCode ?? -1, output, failure };
}

/** Asserts the step failed with exactly one `::error::` line, named, and changed nothing. */
async function failsWith(
  message: string | RegExp,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<void> {
  const before = snapshotTree(dir);
  const { exitCode, output, failure } = await runAction(inputs, env);
  expect(exitCode, output).toBe(1);
  expect(output.match(/^::error::/gm), output).toHaveLength(1);
  if (typeof message === "string") expect(failure).toBe(message);
  else expect(failure).toMatch(message);
  expectNamedError(output);
  expect(output).not.toMatch(/SyntaxError|TypeError|ENOTDIR|EISDIR/);
  expectTreeUnchanged(dir, before);
}

describe("the Action: GITHUB_EVENT_PATH", () => {
  const grade = { task: "js-slugify-accents", bank: BANK, report: "none" };

  it("names an empty event file (was a raw SyntaxError)", async () => {
    await failsWith(
      `GITHUB_EVENT_PATH: ${emptyEvent} is empty; expected the event's JSON payload`,
      grade,
      {
        GITHUB_EVENT_PATH: emptyEvent,
      },
    );
  });

  it("names an event file that is not valid JSON", async () => {
    await failsWith(
      new RegExp(`^GITHUB_EVENT_PATH: ${brokenEvent} is not valid JSON \\(.+\\)$`),
      grade,
      { GITHUB_EVENT_PATH: brokenEvent },
    );
  });

  it("names an event file that does not exist", async () => {
    const missing = path.join(events, "missing.json");
    await failsWith(`GITHUB_EVENT_PATH: ${missing} does not exist`, grade, {
      GITHUB_EVENT_PATH: missing,
    });
  });

  it("names an event path that is a folder", async () => {
    await failsWith(
      `GITHUB_EVENT_PATH: ${events} is a folder; expected the event's JSON payload`,
      grade,
      { GITHUB_EVENT_PATH: events },
    );
  });

  it("names an event that is not a JSON object", async () => {
    await failsWith(
      `GITHUB_EVENT_PATH: ${arrayEvent} holds an array; expected the event's JSON payload (an object)`,
      grade,
      { GITHUB_EVENT_PATH: arrayEvent },
    );
  });

  it("names a pull_request event without its pull_request object", async () => {
    await failsWith(
      `GITHUB_EVENT_PATH: ${noPullRequest} has no usable pull request for event pull_request: payload.pull_request: expected an object`,
      grade,
      { GITHUB_EVENT_PATH: noPullRequest, GITHUB_EVENT_NAME: "pull_request" },
    );
  });

  it("names a pull request without head.sha", async () => {
    await failsWith(
      `GITHUB_EVENT_PATH: ${noHeadSha} has no usable pull request for event pull_request_target: payload.pull_request.head.sha: expected a commit id`,
      grade,
      { GITHUB_EVENT_PATH: noHeadSha, GITHUB_EVENT_NAME: "pull_request_target" },
    );
  });

  it("takes a push event (no pull request expected) and goes on to the inputs", async () => {
    await failsWith(
      "input 'task' is required in mode 'grade'",
      { bank: BANK },
      {
        GITHUB_EVENT_PATH: pushEvent,
        GITHUB_EVENT_NAME: "push",
      },
    );
  });
});

describe("the Action: inputs", () => {
  it("names a private-key that is not a PEM key, without quoting it", async () => {
    const before = snapshotTree(dir);
    const { exitCode, failure, output } = await runAction({
      mode: "token",
      "app-id": "12",
      "private-key": "not-a-key-at-all",
      repository: "acme/widget",
    });
    expect(exitCode).toBe(1);
    expect(failure).toBe("input 'private-key': expected a PEM private key (the app's .pem file)");
    expect(output).not.toContain("not-a-key-at-all");
    expectNamedError(output);
    expectTreeUnchanged(dir, before);
  });

  it("names a work-dir under a regular file (was a raw ENOTDIR)", async () => {
    const under = path.join(aFile, "work");
    await failsWith(
      `input 'work-dir': ${under} is under ${aFile}, which is a file; expected a folder`,
      {
        task: "js-slugify-accents",
        bank: BANK,
        "work-dir": under,
        report: "none",
      },
    );
  });

  it("names a path (the candidate) that is a file", async () => {
    await failsWith(`input 'path': ${aFile} is a file; expected a folder`, {
      task: "js-slugify-accents",
      bank: BANK,
      path: aFile,
      report: "none",
    });
  });

  it("refuses a work-dir holding files of its own instead of emptying it", async () => {
    const sentinels = makeSentinels(path.join(dir, "precious"));
    await failsWith(
      `input 'work-dir': ${sentinels.dir} holds files Lancer did not put there (inner, sentinel.txt); it is emptied before grading, so give a new or empty folder`,
      { task: "js-slugify-accents", bank: BANK, "work-dir": sentinels.dir, report: "none" },
    );
    sentinels.check();
  });

  it("refuses a work-dir that holds the candidate", async () => {
    await failsWith(
      `input 'work-dir': ${dir} holds the candidate '${workspace}'; it is emptied before grading, so give a folder of its own`,
      { task: "js-slugify-accents", bank: BANK, "work-dir": dir, report: "none" },
    );
  });

  it("names a timeout-minutes longer than any job may run", async () => {
    await failsWith(
      "input 'timeout-minutes': expected a whole number of minutes ≥ 1, at most 7200 (got '99999')",
      { task: "js-slugify-accents", "timeout-minutes": "99999" },
    );
  });

  it("names a runs too large to count", async () => {
    await failsWith(
      "input 'runs': expected a whole number ≥ 1, at most 9007199254740991 (got '99999999999999999999')",
      { task: "js-slugify-accents", runs: "99999999999999999999" },
    );
  });

  it("names an api-base-url that is not http(s)", async () => {
    await failsWith("input 'api-base-url': expected an http(s) URL (got 'ftp://models.example')", {
      mode: "solve",
      "api-base-url": "ftp://models.example",
    });
  });

  it("names an app-id that is not a number", async () => {
    await failsWith("input 'app-id': expected the app's numeric id (got '12abc')", {
      mode: "token",
      "app-id": "12abc",
    });
  });
});
