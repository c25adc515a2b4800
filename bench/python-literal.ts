// How fast the SWE-Lancer importer reads Python literals: 120 escape-heavy prompt fields of
// 100 KB each (the size of the longest real prompts), timed over several rounds.
// Usage: node bench/python-literal.ts [--rounds N]
import { parseArgs } from "node:util";
import { parsePythonLiteral } from "../src/core/import/python-literal.ts";
import { median, ms } from "./stats.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "7" } } });
const body =
  "Line with \\'quotes\\', \\\"dq\\\", tabs\\t, \\xe9 \\u20ac \\U0001f600 and more\\r\\n";
const field = `[{'content': '${body.repeat(Math.ceil(100_000 / body.length))}', 'role': 'user'}]`;
const times: number[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  const start = performance.now();
  for (let i = 0; i < 120; i++) parsePythonLiteral(field);
  times.push(performance.now() - start);
}
console.log(
  `120 literals of ${field.length} characters: median ${ms(median(times))} over ${times.length} rounds (target < 1000 ms)`,
);
