import { appendFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { Agent } from "../core/agent.ts";
import { workspaceDiff } from "../agent/workspace-diff.ts";

const COMMENT: Record<string, string> = { ".py": "#", ".sh": "#", ".rb": "#" };

/**
 * The demo's wrong agent: on an IC task it touches a source file without fixing anything
 * (so the hidden tests fail and it earns $0); on a manager task it picks the last proposal.
 */
export function createSloppyAgent(): Agent {
  return {
    name: "sloppy",
    async solveIc({ workspace }) {
      const space = await workspace();
      const file = await firstSourceFile(space.dir);
      const mark = COMMENT[path.extname(file)] ?? "//";
      await appendFile(path.join(space.dir, file), `\n${mark} looked at this; it seems fine\n`);
      return { patch: await workspaceDiff(space) };
    },
    async solveManager({ task }) {
      const last = task.proposals?.at(-1);
      return { selectedProposalId: last?.id ?? null, reason: "the last one looked fine" };
    },
  };
}

/** A file under src/ (or the first non-test file) to touch. */
async function firstSourceFile(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && !e.parentPath.includes(`${path.sep}.git`))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter(
      (f) => !/(^|\/)(tests?|__tests__)\/|\.test\.|_test\.|^\.|package(-lock)?\.json$/.test(f),
    )
    .sort();
  return files.find((f) => f.startsWith("src/")) ?? files[0] ?? "NOTES.md";
}
