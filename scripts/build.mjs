// Bundles the entry points that must run without node_modules (the Action on a runner,
// the single-file CLI) into dist/. Output is checked in; .ci/run fails when it is stale.
import { build } from "esbuild";
import { existsSync, rmSync } from "node:fs";

const entries = [
  { in: "src/action/index.ts", out: "index" },
  { in: "src/cli/bundle-entry.ts", out: "lancer" },
].filter((entry) => existsSync(entry.in));

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node24",
  format: "esm",
  minify: true,
  legalComments: "external",
  // Bundled CommonJS dependencies call require(); give ESM output one.
  banner: {
    js: "import { createRequire as __lancerRequire } from 'node:module'; const require = __lancerRequire(import.meta.url);",
  },
  logLevel: "warning",
});
console.log(`built ${entries.map((e) => `dist/${e.out}.js`).join(", ")}`);
