import type { Output } from "./output.ts";

/** A one-line progress bar with an ETA on an interactive terminal; silent elsewhere. */
export function createProgress(output: Output, total: number, label: string) {
  const started = Date.now();
  const width = 24;
  let shown = false;
  return {
    update(done: number, note: string): void {
      if (!output.interactive || total === 0) return;
      const filled = Math.round((done / total) * width);
      const elapsed = (Date.now() - started) / 1000;
      const eta = done === 0 ? "?" : `${Math.round((elapsed / done) * (total - done))}s`;
      const line = `${label} [${"=".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} ETA ${eta} ${note}`;
      process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 100) - 1)}`);
      shown = true;
    },
    finish(): void {
      if (shown) process.stderr.write("\r\x1b[2K");
    },
  };
}
