import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { Sandbox } from "../sandbox.ts";

/** A JavaScript action the runner can start: its folder, entry point and declared inputs. */
export interface JavaScriptAction {
  dir: string;
  /** `owner/name` for a registered action, undefined for a local one. */
  repository: string | undefined;
  ref: string | undefined;
  main: string;
  /** Declared inputs and their defaults (which may hold `${{ }}` expressions). */
  inputs: Array<{ name: string; default: string | undefined }>;
}

/**
 * Finds the folder of a `uses:` that is not `actions/checkout`: `./path` in the workspace, or
 * `owner/name[/sub/path]@ref` among the actions registered with the sandbox
 * (`SandboxOptions.actions`). Returns an error message when it is neither.
 */
export function actionFolder(
  sandbox: Sandbox,
  uses: string,
  workspace: string,
): { dir: string; repository: string | undefined; ref: string | undefined } | { error: string } {
  if (uses.startsWith("./") || uses === ".") {
    const dir = path.resolve(workspace, uses);
    if (dir !== workspace && !dir.startsWith(workspace + path.sep))
      return { error: `The local action '${uses}' is outside the workspace` };
    return { dir, repository: undefined, ref: undefined };
  }
  const at = uses.lastIndexOf("@");
  if (at <= 0) return { error: `'${uses}' is not a valid action reference (owner/name@ref)` };
  const [owner, name, ...sub] = uses.slice(0, at).split("/");
  const repository = `${owner}/${name}`;
  const registered = Object.entries(sandbox.actions ?? {}).find(
    ([key]) => key.toLowerCase() === repository.toLowerCase(),
  );
  if (!registered)
    return {
      error: `The action '${uses}' is not available in the sandbox (only actions/checkout, actions/cache/restore, actions/cache/save, local actions and actions registered with SandboxOptions.actions are)`,
    };
  return {
    dir: path.join(registered[1], ...sub),
    repository,
    ref: uses.slice(at + 1),
  };
}

/**
 * Reads an action's `action.yml` (or `action.yaml`) and checks the runner can run it: a
 * `node20`/`node24` action without `pre`/`post` scripts. Returns an error message otherwise.
 */
export async function loadJavaScriptAction(location: {
  dir: string;
  repository: string | undefined;
  ref: string | undefined;
}): Promise<JavaScriptAction | { error: string }> {
  let text: string | undefined;
  for (const file of ["action.yml", "action.yaml"]) {
    try {
      text = await readFile(path.join(location.dir, file), "utf8");
      break;
    } catch {
      // try the other name
    }
  }
  if (text === undefined)
    return { error: `Can't find 'action.yml' or 'action.yaml' under '${location.dir}'` };
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    return { error: `action.yml is not valid YAML: ${(error as Error).message}` };
  }
  const action = (doc ?? {}) as { runs?: Record<string, unknown>; inputs?: unknown };
  const runs = action.runs ?? {};
  const using = typeof runs.using === "string" ? runs.using : "";
  if (using !== "node20" && using !== "node24")
    return {
      error: `action.yml runs.using: '${using}' is not supported by the sandbox runner (node20 and node24 are)`,
    };
  for (const key of ["pre", "post"])
    if (runs[key] !== undefined)
      return { error: `action.yml runs.${key} is not supported by the sandbox runner` };
  if (typeof runs.main !== "string" || runs.main === "")
    return { error: "action.yml has no runs.main" };
  const inputs =
    typeof action.inputs === "object" && action.inputs !== null
      ? Object.entries(action.inputs as Record<string, { default?: unknown } | null>).map(
          ([name, spec]) => ({
            name,
            default: scalarText(spec?.default),
          }),
        )
      : [];
  return { ...location, main: path.resolve(location.dir, runs.main), inputs };
}

/** A YAML scalar as text (an input default); undefined for anything else. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** The variable the runner gives an input: `INPUT_` and the name upper-cased, spaces as `_`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}
