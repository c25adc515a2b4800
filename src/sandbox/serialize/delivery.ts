import type { HookDelivery } from "../state/model.ts";

/** GitHub's `hook-delivery-item`: one line of an app's delivery log. */
export function hookDeliveryItem(delivery: HookDelivery): Record<string, unknown> {
  return {
    id: delivery.id,
    guid: delivery.guid,
    delivered_at: delivery.deliveredAt,
    redelivery: delivery.redelivery,
    duration: delivery.durationSeconds,
    status: delivery.status,
    status_code: delivery.statusCode,
    event: delivery.event,
    action: delivery.action,
    installation_id: delivery.installationId,
    repository_id: delivery.repositoryId,
  };
}

/** GitHub's `hook-delivery`: a delivery with its request and response. */
export function hookDelivery(delivery: HookDelivery): Record<string, unknown> {
  return {
    ...hookDeliveryItem(delivery),
    url: delivery.url,
    request: delivery.request,
    response: delivery.response,
  };
}
