import type { IncomingMessage } from "node:http";

/**
 * The largest webhook body the app reads: GitHub caps webhook payloads at 25 MB ("Webhook
 * events and payloads"). Taken as 25 MiB, so that nothing GitHub may send is ever refused.
 */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

/** The declared Content-Length when it is above `limit` (a body that need not be read). */
export function declaredTooLarge(request: IncomingMessage, limit: number): number | undefined {
  const declared = Number(request.headers["content-length"]);
  return Number.isFinite(declared) && declared > limit ? declared : undefined;
}

/**
 * Reads a request body, counting bytes as they arrive (chunked bodies declare no length).
 * Resolves to the body, or to undefined as soon as it passes `limit`: the rest is not read.
 */
export function readBodyUpTo(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      request.off("data", onData);
      // The rest is drained and dropped, never kept: a paused request can leave the sender
      // blocked with the 413 never read.
      request.resume();
      chunks.length = 0;
      resolve(undefined);
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
    request.once("close", () => {
      if (!request.complete) reject(new Error("the request ended before its body did"));
    });
  });
}
