import { ApiError } from "./api-error.ts";

/** GitHub's primary limit for user and installation tokens: 5,000 requests an hour. */
export const PRIMARY_LIMIT_PER_HOUR = 5000;

interface Window {
  start: number;
  count: number;
}

/**
 * Counts requests per credential, answers GitHub's `x-ratelimit-*` headers, and, when switched
 * on, enforces the secondary limits on content-creating requests (by default 80 a minute and
 * 500 an hour) with 403 and `retry-after`, as GitHub does.
 */
export class RateLimiter {
  readonly #primary = new Map<string, Window>();
  readonly #limit: number;

  constructor(primaryPerHour = PRIMARY_LIMIT_PER_HOUR) {
    this.#limit = primaryPerHour;
  }

  readonly #creations = new Map<string, number[]>();

  /** Counts one request and returns the headers to send; throws 403 when over the primary limit. */
  primary(key: string, now = Date.now()): Record<string, string> {
    const hour = 3_600_000;
    let window = this.#primary.get(key);
    if (!window || now - window.start >= hour) {
      window = { start: now, count: 0 };
      this.#primary.set(key, window);
    }
    window.count += 1;
    const headers = {
      "x-ratelimit-limit": String(this.#limit),
      "x-ratelimit-remaining": String(Math.max(0, this.#limit - window.count)),
      "x-ratelimit-reset": String(Math.ceil((window.start + hour) / 1000)),
      "x-ratelimit-used": String(window.count),
      "x-ratelimit-resource": "core",
    };
    if (window.count > this.#limit) {
      throw new ApiError(403, "API rate limit exceeded for this token.", {
        documentationUrl: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        headers,
      });
    }
    return headers;
  }

  /** The primary window of a credential, for `GET /rate_limit`. */
  status(
    key: string,
    now = Date.now(),
  ): { limit: number; used: number; remaining: number; reset: number } {
    const window = this.#primary.get(key);
    const fresh = !window || now - window.start >= 3_600_000;
    const used = fresh ? 0 : window.count;
    const start = fresh ? now : window.start;
    return {
      limit: this.#limit,
      used,
      remaining: Math.max(0, this.#limit - used),
      reset: Math.ceil((start + 3_600_000) / 1000),
    };
  }

  /** Records one content-creating request; throws 403 with `retry-after` when over a secondary limit. */
  secondary(key: string, limits: { perMinute: number; perHour: number }, now = Date.now()): void {
    const times = (this.#creations.get(key) ?? []).filter((t) => now - t < 3_600_000);
    const lastMinute = times.filter((t) => now - t < 60_000);
    const over =
      lastMinute.length >= limits.perMinute
        ? Math.ceil((lastMinute[0]! + 60_000 - now) / 1000)
        : times.length >= limits.perHour
          ? Math.ceil((times[0]! + 3_600_000 - now) / 1000)
          : 0;
    if (over > 0) {
      this.#creations.set(key, times);
      throw new ApiError(
        403,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        {
          documentationUrl:
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          headers: { "retry-after": String(Math.max(1, over)) },
        },
      );
    }
    times.push(now);
    this.#creations.set(key, times);
  }
}
