import { parse as parseYaml } from "yaml";
import { describeProblems, fieldProblems } from "../core/task/format-issues.ts";
import { TaskFile } from "../core/task/schema.ts";
import { readText } from "./contents.ts";
import type { GitHub } from "./rest.ts";

export class GraderTaskError extends Error {
  override name = "GraderTaskError";
}

/**
 * A task as the grader repository holds it (`<task-id>/task.yaml`, hidden parts included):
 * the only source of a price or a correct proposal the app trusts. Undefined when the
 * repository has no such task.
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
  const where = `${grader.owner}/${grader.repo}:${path}`;
  let raw: unknown;
  try {
    raw = parseYaml(file.text);
  } catch (error) {
    throw new GraderTaskError(`${where}: not valid YAML: ${(error as Error).message}`);
  }
  const parsed = TaskFile.safeParse(raw);
  if (!parsed.success)
    throw new GraderTaskError(describeProblems(where, fieldProblems(parsed.error)));
  if (parsed.data.id !== taskId)
    throw new GraderTaskError(`${where}: id: "${parsed.data.id}" must equal "${taskId}"`);
  return parsed.data;
}
