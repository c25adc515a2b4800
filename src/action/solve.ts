import type { ActionInputs } from "./inputs.ts";
import type { RunnerEnv } from "./runner-env.ts";

export async function solve(_inputs: ActionInputs, _env: RunnerEnv): Promise<void> {
  throw new Error("mode 'solve' is not available yet");
}
