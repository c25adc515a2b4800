import { ApiError, validationFailed } from "../http/api-error.ts";
import { field } from "../http/body.ts";

/** The title of a create or update request: a string or an integer (GitHub takes both), not blank. */
export function titleField(body: Record<string, unknown>, required: boolean): string | undefined {
  const value = body.title;
  if (value === undefined || value === null) {
    if (required)
      throw validationFailed([{ resource: "Issue", field: "title", code: "missing_field" }]);
    return undefined;
  }
  if (typeof value !== "string" && !(typeof value === "number" && Number.isInteger(value)))
    throw new ApiError(
      422,
      `Invalid request.\n\nFor 'title', ${JSON.stringify(value)} is not a string or integer.`,
      {
        errors: [{ resource: "Issue", field: "title", code: "invalid" }],
      },
    );
  const title = String(value);
  if (title.trim() === "")
    throw validationFailed([{ resource: "Issue", field: "title", code: "missing_field" }]);
  return title;
}

/** An optional field limited to some values: 422 `invalid` for anything else. */
export function oneOf<T extends string>(
  body: Record<string, unknown>,
  name: string,
  values: readonly T[],
  nullable = false,
): T | null | undefined {
  const value = field<string>(body, name, "string", { resource: "Issue", nullable });
  if (value === undefined || value === null) return value;
  if (!(values as readonly string[]).includes(value))
    throw validationFailed([{ resource: "Issue", field: name, code: "invalid" }]);
  return value as T;
}

/**
 * `milestone`: the sandbox has no milestones, so only `null` (none) is accepted; anything
 * else is GitHub's 422 for a milestone that does not exist. `undefined` when absent.
 */
export function milestoneField(body: Record<string, unknown>): null | undefined {
  if (body.milestone === undefined || body.milestone === null) return body.milestone;
  throw validationFailed([{ resource: "Issue", field: "milestone", code: "invalid" }]);
}
