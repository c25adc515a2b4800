import { ApiError, validationFailed } from "./api-error.ts";
import type { RequestContext } from "./context.ts";

/** The JSON body as an object; a missing body is `{}`; anything else is GitHub's 400/422. */
export function bodyObject(context: RequestContext): Record<string, unknown> {
  if (context.body === undefined) return {};
  if (typeof context.body !== "object" || context.body === null || Array.isArray(context.body)) {
    throw new ApiError(400, "Problems parsing JSON");
  }
  return context.body as Record<string, unknown>;
}

type Kind = "string" | "boolean" | "integer" | "array" | "object";

function is(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}

/**
 * Reads one field of a request body: a missing required field is 422 `missing_field`, a
 * field of the wrong type is 422 `invalid`, both naming the resource and field.
 */
export function field<T>(
  body: Record<string, unknown>,
  name: string,
  kind: Kind,
  options: { resource: string; required?: boolean; nullable?: boolean },
): T | undefined {
  const value = body[name];
  if (value === undefined || (value === null && options.nullable)) {
    if (options.required)
      throw validationFailed([{ resource: options.resource, field: name, code: "missing_field" }]);
    return value === null ? (null as T) : undefined;
  }
  if (!is(kind, value)) {
    throw new ApiError(
      422,
      `Invalid request.\n\nFor '${name}', ${JSON.stringify(value)} is not a${kind === "integer" || kind === "array" || kind === "object" ? "n" : ""} ${kind}.`,
      {
        errors: [{ resource: options.resource, field: name, code: "invalid" }],
      },
    );
  }
  return value as T;
}
