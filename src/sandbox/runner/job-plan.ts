import type { Job, Step } from "@actions/workflow-parser/model/workflow-template";
import type { MappingToken, TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import {
  isExpressionToken,
  isMappingToken,
  isSequenceToken,
  isStringToken,
} from "./expressions.ts";
import type { LoadedWorkflow } from "./load-workflows.ts";

/** One step as the runner needs it (the converted template leaves some keys out). */
export interface StepPlan {
  /** The `id:`, or the generated one (`__run`, `__actions_checkout`, …). */
  id: string;
  name: TemplateToken | undefined;
  /** The `if:` expression, with `success() &&` added when it holds no status function. */
  condition: string;
  env: TemplateToken | undefined;
  run: TemplateToken | undefined;
  uses: string | undefined;
  with: TemplateToken | undefined;
  workingDirectory: TemplateToken | undefined;
  shell: string | undefined;
  timeoutMinutes: TemplateToken | undefined;
  continueOnError: TemplateToken | undefined;
}

/** One job as the runner needs it. */
export interface JobPlan {
  id: string;
  name: TemplateToken | undefined;
  needs: string[];
  condition: string;
  runsOn: TemplateToken | undefined;
  env: TemplateToken | undefined;
  outputs: TemplateToken | undefined;
  permissions: TemplateToken | undefined;
  timeoutMinutes: TemplateToken | undefined;
  continueOnError: TemplateToken | undefined;
  defaults: { shell?: string; workingDirectory?: string };
  steps: StepPlan[];
  /** Why the sandbox cannot run this job (keys it does not support), empty when it can. */
  unsupported: string[];
}

/** A parsed workflow as the runner needs it. */
export interface WorkflowPlan {
  env: TemplateToken | undefined;
  permissions: TemplateToken | undefined;
  runName: TemplateToken | undefined;
  jobs: JobPlan[];
}

const WORKFLOW_UNSUPPORTED = ["concurrency"];
const JOB_UNSUPPORTED = [
  "concurrency",
  "container",
  "services",
  "strategy",
  "environment",
  "uses",
  "with",
  "secrets",
  "snapshot",
];
const STEP_UNSUPPORTED = ["background", "wait", "wait-all", "cancel", "parallel"];
/** The `shell:` values the sandbox runs. */
export const SUPPORTED_SHELLS = ["bash", "sh"];

function literal(token: TemplateToken | undefined): string | undefined {
  return isStringToken(token) ? token.value : undefined;
}

/** `defaults: run: { shell, working-directory }` (literal values only, as GitHub requires). */
function runDefaults(
  mapping: MappingToken | undefined,
  where: string,
  unsupported: string[],
): { shell?: string; workingDirectory?: string } {
  const run = mapping?.find("defaults");
  const runMap = isMappingToken(run) ? run.find("run") : undefined;
  if (!isMappingToken(runMap)) return {};
  const shell = literal(runMap.find("shell"));
  const workingDirectory = literal(runMap.find("working-directory"));
  if (shell !== undefined && !SUPPORTED_SHELLS.includes(shell))
    unsupported.push(`${where}defaults.run.shell: ${shell} (the sandbox runs bash and sh)`);
  return {
    ...(shell === undefined ? {} : { shell }),
    ...(workingDirectory === undefined ? {} : { workingDirectory }),
  };
}

/**
 * Builds the runner's view of a loaded (valid) workflow: each job with its steps, and the keys
 * the sandbox does not support, named so that the run can fail with them.
 */
export function planWorkflow(workflow: LoadedWorkflow): WorkflowPlan {
  const root = workflow.root!;
  const template = workflow.template!;
  const workflowUnsupported = WORKFLOW_UNSUPPORTED.filter((key) => root.find(key) !== undefined);
  const workflowDefaults = runDefaults(root, "", workflowUnsupported);
  const jobsToken = root.find("jobs");
  const jobs = template.jobs.map((job): JobPlan => {
    const raw = isMappingToken(jobsToken) ? jobsToken.find(job.id.value) : undefined;
    const mapping = isMappingToken(raw) ? raw : undefined;
    const unsupported = [
      ...workflowUnsupported,
      ...JOB_UNSUPPORTED.filter((key) => mapping?.find(key) !== undefined).map(
        (key) => `jobs.${job.id.value}.${key}`,
      ),
    ];
    const defaults = {
      ...workflowDefaults,
      ...runDefaults(mapping, `jobs.${job.id.value}.`, unsupported),
    };
    const steps = job.type === "job" ? planSteps(job, mapping, unsupported) : [];
    return {
      id: job.id.value,
      name: job.name,
      needs: (job.needs ?? []).map((n) => n.value),
      condition: job.if.expression,
      runsOn: mapping?.find("runs-on"),
      env: mapping?.find("env"),
      outputs: mapping?.find("outputs"),
      permissions: mapping?.find("permissions"),
      timeoutMinutes: mapping?.find("timeout-minutes"),
      continueOnError: mapping?.find("continue-on-error"),
      defaults,
      steps,
      unsupported,
    };
  });
  return {
    env: root.find("env"),
    permissions: root.find("permissions"),
    runName: root.find("run-name"),
    jobs,
  };
}

function planSteps(job: Job, mapping: MappingToken | undefined, unsupported: string[]): StepPlan[] {
  const stepsToken = mapping?.find("steps");
  const rawSteps = isSequenceToken(stepsToken) ? [...stepsToken] : [];
  return job.steps.map((step: Step, index): StepPlan => {
    const raw = rawSteps[index];
    const stepMap = isMappingToken(raw) ? raw : undefined;
    const where = `jobs.${job.id.value}.steps[${index}]`;
    for (const key of STEP_UNSUPPORTED)
      if (stepMap?.find(key) !== undefined) unsupported.push(`${where}.${key}`);
    const shellToken = stepMap?.find("shell");
    const shell = literal(shellToken);
    if (shellToken !== undefined && (shell === undefined || !SUPPORTED_SHELLS.includes(shell)))
      unsupported.push(
        `${where}.shell: ${shell ?? "(an expression)"} (the sandbox runs bash and sh)`,
      );
    const uses = "uses" in step ? step.uses.value : undefined;
    if (uses?.startsWith("docker://")) unsupported.push(`${where}.uses: ${uses}`);
    const condition = "if" in step && isExpressionToken(step.if) ? step.if.expression : "success()";
    return {
      id: step.id,
      name: step.name,
      condition,
      env: stepMap?.find("env"),
      run: "run" in step ? step.run : undefined,
      uses,
      with: stepMap?.find("with"),
      workingDirectory: stepMap?.find("working-directory"),
      shell,
      timeoutMinutes: stepMap?.find("timeout-minutes"),
      continueOnError: stepMap?.find("continue-on-error"),
    };
  });
}
