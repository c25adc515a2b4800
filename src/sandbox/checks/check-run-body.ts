import type { ApiError } from "../http/api-error.ts";
import { validationFailed } from "../http/api-error.ts";
import { field } from "../http/body.ts";
import type {
  CheckAnnotation,
  CheckConclusion,
  CheckImage,
  CheckRun,
  CheckRunAction,
} from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import type { CheckRunChanges, CheckRunOutputInput } from "./check-runs.ts";

type Json = Record<string, unknown>;

const RESOURCE = "CheckRun";
const STATUSES = ["queued", "in_progress", "completed"] as const;
/** Conclusions a client may set (`stale` is GitHub's alone). */
const CONCLUSIONS: readonly CheckConclusion[] = [
  "action_required",
  "cancelled",
  "failure",
  "neutral",
  "success",
  "skipped",
  "timed_out",
];
const LEVELS = ["notice", "warning", "failure"] as const;
const MAX_ANNOTATIONS = 50;
const MAX_TEXT = 65535;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

function invalid(fieldName: string, message?: string): ApiError {
  return validationFailed(
    [{ resource: RESOURCE, field: fieldName, code: "invalid" }],
    message ?? "Validation Failed",
  );
}

function missing(fieldName: string): ApiError {
  return validationFailed(
    [{ resource: RESOURCE, field: fieldName, code: "missing_field" }],
    `Invalid request.\n\n"${fieldName}" wasn't supplied.`,
  );
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string) {
  if (value !== undefined && !allowed.includes(value as T))
    throw invalid(
      name,
      `Invalid request.\n\nFor '${name}', "${value}" is not one of ${allowed.join(", ")}.`,
    );
  return value as T | undefined;
}

function time(body: Json, name: string): string | undefined {
  const value = field<string>(body, name, "string", { resource: RESOURCE });
  if (value === undefined) return undefined;
  if (!ISO_8601.test(value) || Number.isNaN(Date.parse(value)))
    throw invalid(name, `Invalid request.\n\nFor '${name}', "${value}" is not a timestamp.`);
  return timestamp(new Date(value));
}

function text(item: Json, name: string, path: string, required: boolean, max = MAX_TEXT) {
  const value = item[name];
  if (value === undefined || value === null) {
    if (required) throw missing(`${path}${name}`);
    return undefined;
  }
  if (typeof value !== "string") throw invalid(`${path}${name}`);
  if (value.length > max)
    throw invalid(
      `${path}${name}`,
      `Invalid request.\n\n'${path}${name}' is too long (maximum is ${max} characters).`,
    );
  return value;
}

function positiveInteger(item: Json, name: string, path: string, required: boolean) {
  const value = item[name];
  if (value === undefined || value === null) {
    if (required) throw missing(`${path}${name}`);
    return null;
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    throw invalid(`${path}${name}`);
  return value;
}

function objects(value: unknown, name: string, max: number): Json[] {
  if (!Array.isArray(value)) throw invalid(name);
  if (value.length > max)
    throw invalid(name, `Invalid request.\n\nOnly ${max} ${name} are allowed per request.`);
  return value.map((item, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw invalid(`${name}[${i}]`);
    return item as Json;
  });
}

function annotation(item: Json, path: string): CheckAnnotation {
  const startLine = positiveInteger(item, "start_line", path, true)!;
  const endLine = positiveInteger(item, "end_line", path, true)!;
  if (endLine < startLine) throw invalid(`${path}end_line`);
  const startColumn = positiveInteger(item, "start_column", path, false);
  const endColumn = positiveInteger(item, "end_column", path, false);
  if ((startColumn !== null || endColumn !== null) && startLine !== endLine)
    throw invalid(
      `${path}start_column`,
      "Invalid request.\n\nstart_column and end_column are only allowed when start_line equals end_line.",
    );
  const level = text(item, "annotation_level", path, true)!;
  return {
    path: text(item, "path", path, true)!,
    startLine,
    endLine,
    startColumn,
    endColumn,
    level: oneOf(level, LEVELS, `${path}annotation_level`)!,
    message: text(item, "message", path, true)!,
    title: text(item, "title", path, false, 255) ?? null,
    rawDetails: text(item, "raw_details", path, false) ?? null,
  };
}

function output(value: unknown, creating: boolean): CheckRunOutputInput {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid("output");
  const item = value as Json;
  const parsed: CheckRunOutputInput = {
    summary: text(item, "summary", "output.", true)!,
    annotations: [],
    images: [],
  };
  const title = text(item, "title", "output.", creating);
  if (title !== undefined) parsed.title = title;
  const body = text(item, "text", "output.", false);
  if (body !== undefined) parsed.text = body;
  if (item.annotations !== undefined)
    parsed.annotations = objects(item.annotations, "annotations", MAX_ANNOTATIONS).map((a, i) =>
      annotation(a, `output.annotations[${i}].`),
    );
  if (item.images !== undefined)
    parsed.images = objects(item.images, "images", Number.MAX_SAFE_INTEGER).map(
      (image, i): CheckImage => ({
        alt: text(image, "alt", `output.images[${i}].`, true)!,
        imageUrl: text(image, "image_url", `output.images[${i}].`, true)!,
        caption: text(image, "caption", `output.images[${i}].`, false) ?? null,
      }),
    );
  return parsed;
}

function actions(value: unknown): CheckRunAction[] {
  return objects(value, "actions", 3).map((item, i) => ({
    label: text(item, "label", `actions[${i}].`, true, 20)!,
    description: text(item, "description", `actions[${i}].`, true, 40)!,
    identifier: text(item, "identifier", `actions[${i}].`, true, 20)!,
  }));
}

function url(body: Json, name: string): string | undefined {
  const value = field<string>(body, name, "string", { resource: RESOURCE });
  if (value !== undefined && !URL.canParse(value)) throw invalid(name);
  return value;
}

/**
 * Validates the body of "create a check run" (no `current`) or "update a check run" (the run
 * as it is) and gives the changes in model terms, throwing GitHub's 422s: missing or invalid
 * fields, more than 50 annotations, a `completed` status or a `completed_at` without a
 * conclusion (given, or held by the run being updated). `head_sha` is only read on create.
 */
export function parseCheckRunBody(
  body: Json,
  current?: CheckRun,
): CheckRunChanges & { headSha?: string } {
  const creating = current === undefined;
  const changes: CheckRunChanges & { headSha?: string } = {};
  const name = field<string>(body, "name", "string", { resource: RESOURCE, required: creating });
  if (name !== undefined) {
    if (name.trim() === "") throw invalid("name");
    changes.name = name;
  }
  if (creating)
    changes.headSha = field<string>(body, "head_sha", "string", {
      resource: RESOURCE,
      required: true,
    });
  const detailsUrl = url(body, "details_url");
  if (detailsUrl !== undefined) changes.detailsUrl = detailsUrl;
  const externalId = field<string>(body, "external_id", "string", { resource: RESOURCE });
  if (externalId !== undefined) changes.externalId = externalId;
  const status = oneOf(
    field<string>(body, "status", "string", { resource: RESOURCE }),
    STATUSES,
    "status",
  );
  const conclusion = oneOf(
    field<string>(body, "conclusion", "string", { resource: RESOURCE }),
    CONCLUSIONS,
    "conclusion",
  );
  const startedAt = time(body, "started_at");
  const completedAt = time(body, "completed_at");
  const concluded = conclusion !== undefined || Boolean(current?.conclusion);
  if ((status === "completed" || completedAt !== undefined) && !concluded)
    throw missing("conclusion");
  if (status !== undefined) changes.status = status;
  if (conclusion !== undefined) changes.conclusion = conclusion;
  if (startedAt !== undefined) changes.startedAt = startedAt;
  if (completedAt !== undefined) changes.completedAt = completedAt;
  if (body.output !== undefined) changes.output = output(body.output, creating);
  if (body.actions !== undefined) changes.actions = actions(body.actions);
  return changes;
}
