import { ApiError, notFound } from "../http/api-error.ts";
import type { RequestContext } from "../http/context.ts";
import type { Router } from "../http/router.ts";
import { hookDelivery, hookDeliveryItem } from "../serialize/delivery.ts";
import type { HookDelivery } from "../state/model.ts";

/** GitHub's defaults for the delivery log: 30 per page, at most 100, newest first, cursor paging. */
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

function requireApp(context: RequestContext): void {
  if (context.principal.kind !== "app") {
    throw new ApiError(401, "A JSON web token could not be decoded");
  }
}

function deliveryOf(context: RequestContext): HookDelivery {
  const found = context.sandbox.store.deliveries.get(Number(context.params.delivery_id));
  if (!found) throw notFound();
  return found;
}

/** App hook deliveries: list (cursor-paged, newest first), get one, redeliver. */
export function registerDeliveryRoutes(router: Router): void {
  router.on("GET", "/app/hook/deliveries", (context) => {
    requireApp(context);
    const perPage = Math.min(
      MAX_PER_PAGE,
      Number(context.query.get("per_page") ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE,
    );
    const status = context.query.get("status");
    const cursor = context.query.get("cursor");
    const all = [...context.sandbox.store.deliveries.values()]
      .filter(
        (d) =>
          status === null ||
          (status === "success"
            ? d.statusCode >= 200 && d.statusCode < 300
            : !(d.statusCode >= 200 && d.statusCode < 300)),
      )
      .sort((a, b) => b.id - a.id);
    const start =
      cursor === null
        ? 0
        : Math.max(
            0,
            all.findIndex((d) => d.id < Number(cursor)),
          );
    const page = all.slice(start, start + perPage);
    const next = all[start + perPage];
    const headers: Record<string, string> =
      next && page.length > 0
        ? {
            link: `<${context.sandbox.apiUrl}/app/hook/deliveries?per_page=${perPage}&cursor=${page.at(-1)!.id}>; rel="next"`,
          }
        : {};
    return { status: 200, body: page.map(hookDeliveryItem), headers };
  });

  router.on("GET", "/app/hook/deliveries/:delivery_id", (context) => {
    requireApp(context);
    return { status: 200, body: hookDelivery(deliveryOf(context)) };
  });

  router.on("POST", "/app/hook/deliveries/:delivery_id/attempts", (context) => {
    requireApp(context);
    context.sandbox.webhooks.redeliver(deliveryOf(context));
    return { status: 202, body: {} };
  });
}
