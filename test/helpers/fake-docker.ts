import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * A stand-in `docker` client (a Node script on PATH) for the SWE-Lancer profile: it records
 * every call (arguments, stdin, the PUSHER_* variables it was given, and the files of a bound
 * folder at `run` time) to calls.jsonl, and answers as the official image would in the
 * scenario written to scenario.json: each test run's `pytest_exit_code` (or "missing"),
 * a setup that fails, a patch that does not apply, or no daemon at all.
 */
export interface FakeDockerScenario {
  /** What `cat logs/<id>/pytest_exit_code` prints for runs 1, 2, 3: a number, or "missing". */
  exitCodes: string[];
  setupFails?: boolean;
  applyFails?: boolean;
  noDaemon?: boolean;
  /** When set, what the runs print when no patch was applied in the container (the base). */
  baseExitCodes?: string[];
  /** The image is not on the machine until `docker pull` fetched it. */
  imageAbsent?: boolean;
}

export interface FakeDockerCall {
  args: string[];
  stdin?: string;
  pusher?: Record<string, boolean>;
  mounted?: string[];
}

const SCRIPT = String.raw`#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const dir = __dirname;
const args = process.argv.slice(2);
const scenario = JSON.parse(fs.readFileSync(path.join(dir, "scenario.json"), "utf8"));
const counter = path.join(dir, "runs");
const call = { args };
function list(root, prefix = "") {
  return fs.readdirSync(root, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? list(path.join(root, e.name), prefix + e.name + "/") : [prefix + e.name]);
}
function done(code, out = "", err = "") {
  fs.appendFileSync(path.join(dir, "calls.jsonl"), JSON.stringify(call) + "\n");
  if (out) process.stdout.write(out);
  if (err) process.stderr.write(err);
  process.exit(code);
}
const [verb, sub] = args;
if (scenario.noDaemon && verb !== "image") done(1, "", "Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n");
const pulled = path.join(dir, "pulled");
if (verb === "image" && sub === "inspect") {
  const here = !scenario.noDaemon && (!scenario.imageAbsent || fs.existsSync(pulled));
  done(here ? 0 : 1, here ? "sha256:fake\n" : "", here ? "" : "Error: No such image\n");
}
if (verb === "pull") {
  fs.writeFileSync(pulled, "");
  done(0, "sha256:fake\n");
}
if (verb === "version") done(0, "20.10\n");
if (verb === "run") {
  call.pusher = Object.fromEntries(["PUSHER_APP_ID", "PUSHER_APP_KEY", "PUSHER_APP_SECRET"].map((n) => [n, Boolean(process.env[n])]));
  const mount = args[args.indexOf("--mount") + 1] || "";
  const source = /source=([^,]+)/.exec(mount);
  if (source) call.mounted = list(source[1]).sort();
  fs.writeFileSync(counter, "0");
  fs.rmSync(path.join(dir, "applied"), { force: true });
  done(0, "0123456789abcdef\n");
}
if (verb === "exec") {
  const text = args.join(" ");
  if (text.includes("/setup_done.txt")) done(scenario.setupFails ? 1 : 0, "", scenario.setupFails ? "Error: container is not running\n" : "");
  if (args.includes("--interactive")) {
    call.stdin = fs.readFileSync(0, "utf8");
    fs.writeFileSync(path.join(dir, "applied"), "");
    done(scenario.applyFails ? 1 : 0, "", scenario.applyFails ? "error: patch failed: src/x.js:1\n" : "");
  }
  const run = Number(fs.readFileSync(counter, "utf8"));
  if (text.includes("run_tests.yml")) {
    fs.writeFileSync(counter, String(run + 1));
    done(0, "PLAY RECAP localhost ok=9\n");
  }
  if (text.includes("pytest_exit_code")) {
    const base = scenario.baseExitCodes && !fs.existsSync(path.join(dir, "applied"));
    const code = (base ? scenario.baseExitCodes : scenario.exitCodes)[run - 1] ?? "missing";
    if (code === "missing") done(1, "", "cat: pytest_exit_code: No such file or directory\n");
    done(0, code + "\n");
  }
  if (text.includes("pytest.log")) done(0, "pytest log of run " + run + "\n");
}
if (verb === "network" || verb === "rm" || verb === "logs") done(0, verb === "logs" ? "setup log\n" : "");
done(64, "", "fake docker: unexpected call " + args.join(" ") + "\n");
`;

/** Writes the fake client into `dir` (put it first on PATH) with its first scenario. */
export function installFakeDocker(dir: string, scenario: FakeDockerScenario) {
  mkdirSync(dir, { recursive: true });
  const bin = path.join(dir, "docker");
  writeFileSync(bin, SCRIPT);
  chmodSync(bin, 0o755);
  const fake = {
    dir,
    /** Sets the next scenario and forgets the calls so far. */
    reset(next: FakeDockerScenario) {
      writeFileSync(path.join(dir, "scenario.json"), JSON.stringify(next));
      rmSync(path.join(dir, "calls.jsonl"), { force: true });
      rmSync(path.join(dir, "pulled"), { force: true });
    },
    calls(): FakeDockerCall[] {
      const file = path.join(dir, "calls.jsonl");
      if (!existsSync(file)) return [];
      return readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as FakeDockerCall);
    },
  };
  fake.reset(scenario);
  return fake;
}
