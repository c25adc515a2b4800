import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execa, execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { isRunning } from "../helpers/process-state.ts";
import { tempDir } from "../helpers/temp-dir.ts";
import { writeTinyTask } from "../helpers/tiny-bank.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/lancer.js");

describe("interrupting lancer run", () => {
  it("kills the graded test's whole process group on Ctrl-C", async () => {
    const dir = tempDir();
    const fifo = path.join(dir, "started.fifo");
    execaSync("mkfifo", [fifo]);
    // The hidden test starts a background sleeper, reports its pid through the FIFO, and hangs.
    const taskDir = writeTinyTask(
      path.join(dir, "bank"),
      "tiny-hang",
      {},
      `#!/usr/bin/env bash\nsleep 600 &\necho $! > ${fifo}\nwait\n`,
    );
    const yaml = readFileSync(path.join(taskDir, "task.yaml"), "utf8").replace(
      "timeout_seconds: 20",
      "timeout_seconds: 600",
    );
    writeFileSync(path.join(taskDir, "task.yaml"), yaml);
    const lancer = execa(
      process.execPath,
      [
        BIN,
        "run",
        path.join(dir, "bank"),
        "--agent",
        "oracle",
        "--ledger",
        path.join(dir, "l.sqlite"),
      ],
      {
        env: { CI: "true", LANCER_CACHE_DIR: path.join(dir, "cache") },
        reject: false,
      },
    );
    const sleeper = await new Promise<number>((resolve, reject) => {
      let text = "";
      createReadStream(fifo, "utf8")
        .on("data", (chunk) => (text += String(chunk)))
        .on("end", () => resolve(Number(text.trim())))
        .on("error", reject);
    });
    expect(isRunning(sleeper)).toBe(true);
    lancer.kill("SIGINT");
    const result = await lancer;
    expect(result.exitCode).toBe(130);
    expect(isRunning(sleeper)).toBe(false);
  });
});
