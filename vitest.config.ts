import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest's default is one worker per core but one: a single worker on a 2-core machine.
    // Most tests wait on child processes (git, test runners, the sandbox's HTTP), so two
    // files at a time roughly halve the suite's wall time there.
    maxWorkers: 2,
  },
});
