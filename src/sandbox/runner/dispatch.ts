import { git } from "../../core/git/git.ts";
import { ApiError, validationFailed } from "../http/api-error.ts";
import { workflowEventPayload } from "../pulls/event-payload.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Principal, Repo, Workflow } from "../state/model.ts";
import { loadWorkflow } from "./load-workflows.ts";
import { actorOf } from "./run-contexts.ts";
import type { WorkflowTrigger } from "./trigger.ts";

/** GitHub caps a dispatch at 25 inputs. */
const MAX_INPUTS = 25;

/** A branch or tag name (or full ref) as a full ref and its commit; undefined when none. */
async function resolveDispatchRef(
  repo: Repo,
  ref: string,
): Promise<{ ref: string; sha: string } | undefined> {
  if (ref === "" || ref.startsWith("-")) return undefined;
  const candidates = ref.startsWith("refs/") ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  for (const full of candidates) {
    const result = await git(["rev-parse", "--verify", "--quiet", `${full}^{commit}`], {
      cwd: repo.gitDir,
      allowFailure: true,
    });
    if (result.exitCode === 0) return { ref: full, sha: result.stdout.trim() };
  }
  return undefined;
}

function describe(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Checks a `workflow_dispatch` request the way GitHub does (the ref exists, the workflow file
 * at that ref has the trigger, the inputs are declared, required ones given, choices and
 * booleans valid) and builds its trigger, with input defaults applied. Throws GitHub's 422s.
 */
export async function prepareDispatch(
  sandbox: Sandbox,
  repo: Repo,
  wf: Workflow,
  refName: string,
  given: Record<string, unknown>,
  principal: Principal,
): Promise<WorkflowTrigger> {
  const resolved = await resolveDispatchRef(repo, refName);
  if (!resolved) throw new ApiError(422, `No ref found for: ${refName}`);
  const loaded = await loadWorkflow(repo.gitDir, resolved.sha, wf.path);
  if (!loaded) throw new ApiError(422, `Workflow does not exist at ref '${refName}'`);
  if (loaded.errors.length > 0 || !loaded.template)
    throw new ApiError(422, `Invalid workflow file: ${loaded.errors.join("; ")}`);
  const config = loaded.template.events.workflow_dispatch;
  if (!config) throw new ApiError(422, "Workflow does not have 'workflow_dispatch' trigger");
  const declared = config.inputs ?? {};
  if (Object.keys(given).length > MAX_INPUTS)
    throw validationFailed(
      [{ resource: "WorkflowDispatch", field: "inputs", code: "invalid" }],
      `you may only define up to ${MAX_INPUTS} \`inputs\` for a workflow_dispatch event`,
    );
  const unexpected = Object.keys(given).filter((name) => !(name in declared));
  if (unexpected.length > 0)
    throw new ApiError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  const inputs: Record<string, string | boolean> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const type = String(spec.type);
    const value = name in given ? given[name] : spec.default;
    if (value === undefined || value === null || value === "") {
      if (spec.required && spec.default === undefined)
        throw new ApiError(422, `Required input '${name}' not provided`);
      inputs[name] = type === "boolean" ? false : "";
      continue;
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")
      throw new ApiError(422, `Input '${name}' must be a string`);
    if (type === "boolean") {
      const text = String(value).toLowerCase();
      if (text !== "true" && text !== "false")
        throw new ApiError(
          422,
          `Provided value '${describe(value)}' for input '${name}' is not a boolean`,
        );
      inputs[name] = text === "true";
      continue;
    }
    const text = String(value);
    if (type === "choice" && !(spec.options ?? []).includes(text))
      throw new ApiError(
        422,
        `Provided value '${text}' for input '${name}' not in the list of allowed values`,
      );
    inputs[name] = text;
  }
  const actorId = actorOf(sandbox, principal);
  const payload = workflowEventPayload(
    sandbox,
    repo,
    null,
    {
      inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)])),
      ref: resolved.ref,
      workflow: wf.path,
    },
    actorId,
  );
  return {
    event: "workflow_dispatch",
    ref: resolved.ref,
    sha: resolved.sha,
    payload,
    actor: principal,
    inputs,
    workflowPath: wf.path,
  };
}
