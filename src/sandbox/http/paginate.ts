import { ApiError } from "./api-error.ts";
import type { Reply, RequestContext } from "./context.ts";

/** GitHub's defaults: 30 per page, at most 100. */
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

/**
 * Answers a list the way GitHub pages it: `per_page` and `page` from the query, a `Link`
 * header with next, last, first and prev where they apply.
 */
export function paginate<T>(
  context: RequestContext,
  items: readonly T[],
  wrap?: (page: T[], total: number) => unknown,
): Reply {
  const perPage = Math.min(MAX_PER_PAGE, positive(context, "per_page", DEFAULT_PER_PAGE));
  const page = positive(context, "page", 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(context.query);
    query.set("per_page", String(perPage));
    query.set("page", String(n));
    return `<${context.sandbox.apiUrl}${context.path}?${query.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, "prev")] : []),
    ...(page < last ? [link(page + 1, "next"), link(last, "last")] : []),
    ...(page > 1 ? [link(1, "first")] : []),
  ];
  return {
    status: 200,
    body: wrap ? wrap(slice, items.length) : slice,
    headers: links.length > 0 ? { link: links.join(", ") } : {},
  };
}

/** A query parameter that must be a whole number ≥ 1; 422 naming it otherwise. */
function positive(context: RequestContext, name: string, fallback: number): number {
  const value = context.query.get(name);
  if (value === null || value === "") return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new ApiError(422, `Invalid ${name} parameter: ${value} (expected a whole number ≥ 1)`);
  return n;
}
