import type { Command } from "commander";
import { listCache, pruneCache, type CacheEntry } from "../../core/environment/cache-contents.ts";
import { cacheDirOption } from "../options.ts";
import { printJson, UsageError, type Output } from "../output.ts";

function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

const KINDS: Record<string, CacheEntry["kind"][]> = {
  environments: ["environment"],
  all: ["environment", "source", "repository", "downloads"],
};

export function registerCache(program: Command, output: Output): void {
  const cache = program
    .command("cache")
    .description("what Lancer keeps between runs: base repositories and installed environments");
  cache
    .command("ls")
    .description("list the cache's environments and repositories with their sizes")
    .addOption(cacheDirOption())
    .option("--json", "print JSON")
    .action(async (options: { cacheDir: string; json?: boolean }) => {
      const entries = await listCache(options.cacheDir);
      const total = entries.reduce((sum, e) => sum + e.bytes, 0);
      if (options.json) {
        printJson(output, { cache_dir: options.cacheDir, total_bytes: total, entries });
        return;
      }
      for (const e of entries)
        output.result(
          `${e.kind.padEnd(11)} ${formatBytes(e.bytes).padStart(10)}  ${e.name}${e.install ? `  (${e.install.join(" && ")})` : ""}`,
        );
      output.result(`${options.cacheDir}: ${entries.length} entries, ${formatBytes(total)}`);
    });
  cache
    .command("prune")
    .description("remove installed environments (--what all: everything)")
    .option("--what <part>", "environments | all", "environments")
    .addOption(cacheDirOption())
    .option("--json", "print JSON")
    .action(async (options: { cacheDir: string; what: string; json?: boolean }) => {
      const kinds = KINDS[options.what];
      if (!kinds)
        throw new UsageError(`--what: expected environments or all, got "${options.what}"`);
      const removed = await pruneCache(options.cacheDir, new Set(kinds));
      const freed = removed.reduce((sum, e) => sum + e.bytes, 0);
      if (options.json) printJson(output, { removed: removed.length, freed_bytes: freed });
      else output.result(`removed ${removed.length} entries, ${formatBytes(freed)} freed`);
    });
}
