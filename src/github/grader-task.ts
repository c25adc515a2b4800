import { parseTaskYaml } from "../core/task/bank.ts";
import type { TaskFile } from "../core/task/schema.ts";
import { readText } from "./contents.ts";
import type { GitHub } from "./rest.ts";

/**
 * A task as the grader repository holds it (`<task-id>/task.yaml`, hidden parts included):
 * the only source of a price or a correct proposal the app trusts. Undefined when the
 * repository has no such task; a BankError when its task.yaml is invalid.
 */
export async function readGraderTask(
  github: GitHub,
  grader: { owner: string; repo: string },
  taskId: string,
): Promise<TaskFile | undefined> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(taskId)) return undefined;
  const path = `${taskId}/task.yaml`;
  const file = await readText(github, { ...grader, path });
  if (!file) return undefined;
  return parseTaskYaml(file.text, `${grader.owner}/${grader.repo}:${path}`, taskId, "the task id");
}
