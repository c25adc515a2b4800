#!/usr/bin/env node
// Lancer runs its TypeScript sources directly (Node's type stripping, stable in Node 24).
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `lancer: Node ${process.versions.node} is too old; Lancer needs Node 24.\n` +
      "Run it through npx in the project folder (npm ci installs Node 24 as a dev dependency),\n" +
      "or install Node 24 and put it first on PATH.",
  );
  process.exit(1);
}
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
