import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runProcess, SpawnError } from "../../../src/core/exec/run-process.ts";
import { isRunning } from "../../helpers/process-state.ts";
import { tempDir } from "../../helpers/temp-dir.ts";

const dir = tempDir();

describe("runProcess", () => {
  it("returns exit code and output without throwing on failure", async () => {
    const result = await runProcess("bash", ["-c", "echo out; echo err >&2; exit 3"], { cwd: dir });
    expect(result).toMatchObject({
      exitCode: 3,
      stdout: "out\n",
      stderr: "err\n",
      timedOut: false,
      truncated: false,
    });
  });

  it("kills the whole process group on timeout, grandchildren included", async () => {
    const pidFile = path.join(dir, "grandchild.pid");
    const result = await runProcess("bash", ["-c", `sleep 300 & echo $! > ${pidFile}; wait`], {
      cwd: dir,
      timeoutMs: 500,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe("SIGKILL");
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    expect(isRunning(grandchild)).toBe(false);
  });

  it("does not wait for background children that keep the output pipe open", async () => {
    const started = Date.now();
    const result = await runProcess("bash", ["-c", "sleep 300 & echo started"], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    expect(result.stdout).toBe("started\n");
    expect(result.timedOut).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("drops secrets from the environment unless told to inherit", async () => {
    process.env.LANCER_TEST_SECRET = "hunter2";
    try {
      const scrubbed = await runProcess("bash", ["-c", "env"], { cwd: dir, env: { EXTRA: "yes" } });
      expect(scrubbed.stdout).not.toContain("hunter2");
      expect(scrubbed.stdout).toContain("EXTRA=yes");
      expect(scrubbed.stdout).toMatch(/^PATH=/m);
      const inherited = await runProcess("bash", ["-c", "env"], { cwd: dir, baseEnv: "inherit" });
      expect(inherited.stdout).toContain("LANCER_TEST_SECRET=hunter2");
    } finally {
      delete process.env.LANCER_TEST_SECRET;
    }
  });

  it("keeps the head and tail of output beyond the cap and says so", async () => {
    const result = await runProcess(
      "bash",
      ["-c", "echo HEAD; head -c 200000 /dev/zero | tr '\\0' x; echo; echo TAIL"],
      {
        cwd: dir,
        maxOutputBytes: 1000,
      },
    );
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith("HEAD\n")).toBe(true);
    expect(result.stdout.endsWith("TAIL\n")).toBe(true);
    expect(result.stdout).toMatch(/\[\.\.\. \d+ bytes dropped by lancer \.\.\.\]/);
    expect(result.stdout.length).toBeLessThan(1200);
  });

  it("passes input on stdin", async () => {
    const result = await runProcess("cat", [], { cwd: dir, input: "hello" });
    expect(result.stdout).toBe("hello");
  });

  it("rejects with SpawnError when the program does not exist", async () => {
    await expect(runProcess("no-such-program-lancer", [], { cwd: dir })).rejects.toBeInstanceOf(
      SpawnError,
    );
    expect(existsSync(dir)).toBe(true);
  });
});
