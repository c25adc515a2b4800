import { createHmac, randomUUID } from "node:crypto";
import type { HookDelivery } from "../state/model.ts";
import { timestamp, type Store } from "../state/store.ts";

export interface WebhookEvent {
  /** `X-GitHub-Event`, e.g. `issues`. */
  event: string;
  /** The payload's `action`, when the event has one. */
  action: string | null;
  payload: Record<string, unknown>;
  installationId: number | null;
  repositoryId: number | null;
  appId: number;
}

/** `X-Hub-Signature-256`: HMAC-SHA256 of the exact body with the webhook secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Delivers webhooks to the app's URL in the background, one at a time per sandbox, in the
 * order they were emitted, recording each delivery like GitHub's delivery log. Emitting
 * never waits for the delivery.
 */
export class WebhookDispatcher {
  readonly #store: Store;
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  readonly #idleWaiters: Array<() => void> = [];

  constructor(store: Store) {
    this.#store = store;
  }

  /** Queues a delivery; returns at once. */
  emit(event: WebhookEvent): void {
    const app = this.#store.apps.get(event.appId);
    if (!app?.webhookUrl || (!app.events.includes(event.event) && event.event !== "installation"))
      return;
    const guid = randomUUID();
    this.#enqueue(() => this.#deliver(event, guid, false));
  }

  /** Sends a recorded delivery again, with the same `X-GitHub-Delivery` id, as GitHub does. */
  redeliver(delivery: HookDelivery): void {
    const event: WebhookEvent = {
      event: delivery.event,
      action: delivery.action,
      payload: delivery.request.payload as Record<string, unknown>,
      installationId: delivery.installationId,
      repositoryId: delivery.repositoryId,
      appId: [...this.#store.apps.values()][0]!.id,
    };
    this.#enqueue(() => this.#deliver(event, delivery.guid, true));
  }

  /** Deliveries queued and not yet attempted. */
  get pending(): number {
    return this.#pending;
  }

  /** Resolves when every queued delivery has been attempted (a synchronisation point for tests). */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #enqueue(task: () => Promise<void>): void {
    this.#pending += 1;
    this.#queue = this.#queue
      .then(task)
      .catch(() => undefined)
      .finally(() => {
        this.#pending -= 1;
        if (this.#pending === 0) this.#idleWaiters.splice(0).forEach((resolve) => resolve());
      });
  }

  async #deliver(event: WebhookEvent, guid: string, redelivery: boolean): Promise<void> {
    const app = this.#store.apps.get(event.appId);
    if (!app?.webhookUrl) return;
    const body = JSON.stringify(event.payload);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/lancer-sandbox",
      "x-github-event": event.event,
      "x-github-delivery": guid,
      "x-github-hook-id": String(app.id),
      "x-github-hook-installation-target-type": "integration",
      "x-github-hook-installation-target-id": String(app.id),
      "x-hub-signature-256": signBody(app.webhookSecret, body),
    };
    const started = performance.now();
    let statusCode = 0;
    let status: string;
    let responseBody: string | null = null;
    let responseHeaders: Record<string, string> = {};
    try {
      const response = await fetch(app.webhookUrl, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      statusCode = response.status;
      status = response.ok ? "OK" : `Invalid HTTP Response: ${response.status}`;
      responseBody = await response.text();
      responseHeaders = Object.fromEntries(response.headers);
    } catch (error) {
      status = `We couldn't deliver this payload: ${(error as Error).message}`;
    }
    const id = this.#store.nextId();
    this.#store.deliveries.set(id, {
      id,
      guid,
      event: event.event,
      action: event.action,
      installationId: event.installationId,
      repositoryId: event.repositoryId,
      deliveredAt: timestamp(),
      redelivery,
      status,
      statusCode,
      durationSeconds: (performance.now() - started) / 1000,
      url: app.webhookUrl,
      request: { headers, payload: event.payload },
      response: { headers: responseHeaders, payload: responseBody },
    });
  }
}
