import { ApiError } from "../http/api-error.ts";

/**
 * A 422 whose `errors` GitHub shapes differently from the usual field items: custom items
 * without a `field` ("No commits between main and x") or plain strings (reviews).
 */
export class UnprocessableError extends ApiError {
  readonly #items: unknown[];

  constructor(items: unknown[], message = "Validation Failed") {
    super(422, message);
    this.#items = items;
  }

  override body(): Record<string, unknown> {
    return { ...super.body(), errors: this.#items };
  }
}

/** GitHub's 422 with one custom item about a pull request: `{ resource, code: "custom", message }`. */
export function pullCustomError(message: string): UnprocessableError {
  return new UnprocessableError([{ resource: "PullRequest", code: "custom", message }]);
}

/**
 * The same failure for endpoints whose 422 is GitHub's `validation-error-simple` (plain-string
 * `errors`, as the review endpoints answer): other errors pass through unchanged.
 */
export function simpleErrors(error: unknown): unknown {
  if (!(error instanceof ApiError) || error.status !== 422 || !error.errors) return error;
  const items = error.errors.map((e) => e.message ?? `${e.field} is ${e.code.replace("_", " ")}`);
  return new UnprocessableError(items, error.message);
}
