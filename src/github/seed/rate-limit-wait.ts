/**
 * How long GitHub asks a client to wait after refusing a request for a rate limit, read from
 * the answer as GitHub documents it: `retry-after` (seconds) on a secondary limit, or
 * `x-ratelimit-remaining: 0` with `x-ratelimit-reset` (epoch seconds) on the primary one. A
 * 403/429 that says "secondary rate limit" without either header waits a minute (GitHub's
 * advice). Anything else is not a rate limit: undefined.
 */
export function rateLimitWait(
  answer: {
    status: number;
    headers: Record<string, string | number | undefined>;
    message: string;
  },
  now: number,
): { ms: number; reason: string } | undefined {
  if (answer.status !== 403 && answer.status !== 429) return undefined;
  const header = (name: string) => {
    const value = answer.headers[name];
    return value === undefined ? undefined : String(value);
  };
  const retryAfter = Number(header("retry-after"));
  if (header("retry-after") !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) {
    return { ms: Math.max(1, retryAfter) * 1000, reason: "GitHub's secondary rate limit" };
  }
  const reset = Number(header("x-ratelimit-reset"));
  if (header("x-ratelimit-remaining") === "0" && Number.isFinite(reset)) {
    // One more second: the reset time is rounded down to the second.
    return { ms: Math.max(0, reset * 1000 - now) + 1000, reason: "GitHub's primary rate limit" };
  }
  if (/secondary rate limit/i.test(answer.message))
    return { ms: 60_000, reason: "GitHub's secondary rate limit" };
  return undefined;
}
