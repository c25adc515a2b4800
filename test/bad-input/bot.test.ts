import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runLancer } from "../helpers/run-lancer.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { expectNamedError, expectTreeUnchanged, snapshotTree } from "./harness.ts";

// `lancer bot` run as a user runs it, from a working folder that must come out unchanged.
const dir = tempDir("lancer-bad-bot-");
const cwd = path.join(dir, "work");
const files = path.join(dir, "files");
mkdirSync(cwd);
mkdirSync(path.join(files, "a-folder"), { recursive: true });
const pem = generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const file = (name: string, content: string | Buffer) => {
  const at = path.join(files, name);
  writeFileSync(at, content);
  return at;
};
const keyFile = file("app.pem", pem);
const notAKey = file("notes.txt", "my secret notes, not a key\n");
const hugeKey = file("huge.pem", `${pem}${"#".repeat(70 * 1024)}`);
const good = {
  APP_ID: "12",
  PRIVATE_KEY_PATH: keyFile,
  WEBHOOK_SECRET: "s".repeat(40),
  PORT: "0",
  HOST: "127.0.0.1",
};

/** Runs `lancer bot` in the working folder and asserts the refusal: exit 1, named, no stack, nothing written. */
async function refused(env: Record<string, string>, args: string[] = []): Promise<string> {
  const before = snapshotTree(dir);
  const result = await runLancer(["bot", "--dotenv", path.join(cwd, ".env"), ...args], {
    cwd,
    env,
  });
  expect(result.exitCode, result.stderr).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^lancer: /);
  expectNamedError(result.stderr);
  expectTreeUnchanged(dir, before);
  return result.stderr;
}

describe("lancer bot: PRIVATE_KEY_PATH", () => {
  it("names a folder (was a raw EISDIR)", async () => {
    const folder = path.join(files, "a-folder");
    const stderr = await refused({ ...good, PRIVATE_KEY_PATH: folder });
    expectNamedError(stderr, `PRIVATE_KEY_PATH: ${folder} is a folder; expected a PEM file`);
  });

  it("names a path under a regular file", async () => {
    const under = path.join(notAKey, "key.pem");
    const stderr = await refused({ ...good, PRIVATE_KEY_PATH: under });
    expectNamedError(stderr, `PRIVATE_KEY_PATH: ${under} does not exist (a part of it is a file)`);
  });

  it("names a device instead of reading it forever", async () => {
    const stderr = await refused({ ...good, PRIVATE_KEY_PATH: "/dev/zero" });
    expectNamedError(
      stderr,
      "PRIVATE_KEY_PATH: /dev/zero is not a regular file; expected a PEM file",
    );
  });

  it("names a file that is not a PEM key, without quoting it", async () => {
    const stderr = await refused({ ...good, PRIVATE_KEY_PATH: notAKey });
    expectNamedError(stderr, `PRIVATE_KEY_PATH: ${notAKey} is not a PEM private key`);
    expect(stderr).not.toContain("secret notes");
  });

  it("names a file far larger than any key", async () => {
    const stderr = await refused({ ...good, PRIVATE_KEY_PATH: hugeKey });
    expectNamedError(
      stderr,
      new RegExp(`PRIVATE_KEY_PATH: ${hugeKey} is \\d+ bytes; expected a PEM file`),
    );
  });
});

describe("lancer bot: --dotenv", () => {
  it("names a folder", async () => {
    const folder = path.join(files, "a-folder");
    const stderr = await refused({ ...good }, ["--dotenv", folder]);
    expectNamedError(
      stderr,
      `--dotenv: ${folder} is a folder; expected a settings file of NAME=value lines`,
    );
  });

  it("names a line that is not NAME=value", async () => {
    const env = file("junk.env", "APP_ID=12\nthis line is junk\n");
    const stderr = await refused({ ...good }, ["--dotenv", env]);
    expectNamedError(
      stderr,
      `--dotenv: ${env} line 2: expected NAME=value, a # comment or a blank line`,
    );
  });

  it("names a quoted value that is never closed", async () => {
    const env = file("open-quote.env", '# settings\nAPP_ID=12\nWEBHOOK_SECRET="abc\nPORT=0\n');
    const stderr = await refused({ ...good }, ["--dotenv", env]);
    expectNamedError(
      stderr,
      `--dotenv: ${env} line 3: the quoted value of WEBHOOK_SECRET is never closed`,
    );
  });

  it("names a binary file", async () => {
    const env = file("binary.env", Buffer.from([0x41, 0x3d, 0x00, 0x01, 0x0a]));
    const stderr = await refused({ ...good }, ["--dotenv", env]);
    expectNamedError(stderr, `--dotenv: ${env} is not a text file`);
  });

  it("still reads a good file: its bad APP_ID is named", async () => {
    const env = file("good.env", 'export APP_ID=twelve\nMULTI="a\nb"\n# done\n');
    const withoutAppId = Object.fromEntries(Object.entries(good).filter(([k]) => k !== "APP_ID"));
    const stderr = await refused(withoutAppId, ["--dotenv", env]);
    expectNamedError(stderr, "APP_ID: expected the app's numeric id");
  });
});

describe("lancer bot: where it listens and the other settings", () => {
  const taken = createServer();
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it("names a PORT in use, and ends", async () => {
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", () => resolve()));
    const port = (taken.address() as AddressInfo).port;
    const stderr = await refused({ ...good, PORT: String(port) });
    expectNamedError(stderr, `PORT: ${port} is already in use on 127.0.0.1`);
  });

  it("names a HOST that is not an address of this machine", async () => {
    const stderr = await refused({ ...good, HOST: "192.0.2.1" });
    expectNamedError(stderr, /HOST: cannot listen on 192\.0\.2\.1:0 \(EADDRNOTAVAIL\)/);
  });

  it("names a PORT above 65535", async () => {
    const stderr = await refused({ ...good, PORT: "99999" });
    expectNamedError(stderr, "PORT: expected a port number from 0 to 65535, got 99999");
  });

  it("names a GITHUB_URL that is not http(s)", async () => {
    const stderr = await refused({ ...good, GITHUB_URL: "ftp://example.com" });
    expectNamedError(
      stderr,
      "GITHUB_URL: expected a URL such as https://github.com, got ftp://example.com",
    );
  });

  it("names a LANCER_GRADER_REPO with an owner", async () => {
    const stderr = await refused({ ...good, LANCER_GRADER_REPO: "acme/grader" });
    expectNamedError(
      stderr,
      "LANCER_GRADER_REPO: expected a repository name (no owner), got acme/grader",
    );
  });

  it("names an APP_ID in exponent notation", async () => {
    const stderr = await refused({ ...good, APP_ID: "1e3" });
    expectNamedError(stderr, "APP_ID: expected the app's numeric id");
  });
});
