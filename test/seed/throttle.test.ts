import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../../src/github/seed/client.ts";
import { rateLimitWait } from "../../src/github/seed/rate-limit-wait.ts";
import { SeedError } from "../../src/github/seed/seed-error.ts";
import { CreationThrottle, type Clock } from "../../src/github/seed/throttle.ts";

/** A clock whose sleep moves time forward at once, recording each wait. */
function fakeClock(start = 0): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

/** The most creations in any window of `span` ms. */
function busiest(times: readonly number[], span: number): number {
  let most = 0;
  for (const [i, start] of times.entries()) {
    const inWindow = times.slice(i).filter((t) => t - start < span).length;
    most = Math.max(most, inWindow);
  }
  return most;
}

describe("CreationThrottle", () => {
  it("lets 80 creations through a minute, then waits for the window to slide", async () => {
    const clock = fakeClock();
    const throttle = new CreationThrottle({ perMinute: 80, perHour: 500 }, clock);
    const times: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      await throttle.acquire();
      times.push(clock.now());
    }
    expect(times.slice(0, 80).every((t) => t === 0)).toBe(true);
    expect(times.slice(80, 160).every((t) => t === 60_000)).toBe(true);
    expect(times.slice(160).every((t) => t === 120_000)).toBe(true);
    expect(busiest(times, 60_000)).toBe(80);
    expect(clock.sleeps).toEqual([60_000, 60_000]);
  });

  it("keeps to 500 an hour whatever the minute allows", async () => {
    const clock = fakeClock();
    const throttle = new CreationThrottle({ perMinute: 80, perHour: 500 }, clock);
    const times: number[] = [];
    const waits: string[] = [];
    for (let i = 0; i < 1000; i += 1) {
      await throttle.acquire((_ms, reason) => waits.push(reason));
      times.push(clock.now());
    }
    expect(busiest(times, 3_600_000)).toBe(500);
    expect(busiest(times, 60_000)).toBe(80);
    expect(times[499]).toBeLessThan(3_600_000);
    expect(times[500]).toBe(3_600_000);
    expect(waits).toContain("500 creations an hour");
    expect(waits).toContain("80 creations a minute");
  });

  it("serves concurrent callers in order", async () => {
    const clock = fakeClock();
    const throttle = new CreationThrottle({ perMinute: 2, perHour: 100 }, clock);
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((n) => throttle.acquire().then(() => order.push(n * 1000 + clock.now()))),
    );
    expect(order).toEqual([0, 1000, 2000 + 60_000, 3000 + 60_000, 4000 + 120_000]);
  });

  it("refuses limits that are not whole numbers of at least 1", () => {
    expect(() => new CreationThrottle({ perMinute: 0, perHour: 5 })).toThrow(/limits.perMinute/);
  });
});

describe("rateLimitWait", () => {
  const now = 1_700_000_000_000;
  it("honours retry-after (seconds) on a 403 or 429", () => {
    expect(
      rateLimitWait({ status: 403, headers: { "retry-after": "7" }, message: "" }, now),
    ).toEqual({ ms: 7000, reason: "GitHub's secondary rate limit" });
    expect(
      rateLimitWait({ status: 429, headers: { "retry-after": 3 }, message: "" }, now)?.ms,
    ).toBe(3000);
  });

  it("waits for x-ratelimit-reset when nothing remains", () => {
    const headers = { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 30) };
    expect(rateLimitWait({ status: 403, headers, message: "" }, now)).toEqual({
      ms: 31_000,
      reason: "GitHub's primary rate limit",
    });
  });

  it("waits a minute on a secondary limit without headers, and not at all on other refusals", () => {
    const message = "You have exceeded a secondary rate limit.";
    expect(rateLimitWait({ status: 403, headers: {}, message }, now)?.ms).toBe(60_000);
    expect(rateLimitWait({ status: 403, headers: {}, message: "Forbidden" }, now)).toBeUndefined();
    expect(
      rateLimitWait({ status: 404, headers: { "retry-after": "5" }, message: "" }, now),
    ).toBeUndefined();
  });
});

/** A tiny HTTP server answering the seeder's client: `/user`, then `answers` for the POST. */
async function serve(
  answers: Array<{ status: number; headers?: Record<string, string> }>,
): Promise<{ apiUrl: string; posts: () => number }> {
  let posts = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on("end", () => {
      if (request.method === "GET") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ login: "someone" }));
        return;
      }
      const answer = answers[Math.min(posts, answers.length - 1)]!;
      posts += 1;
      response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      response.end(
        JSON.stringify(
          answer.status === 201
            ? { name: "made" }
            : { message: "You have exceeded a secondary rate limit. Please wait." },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts: () => posts,
  };
}

describe("the seeder's client", () => {
  const token = "ghs_secret_token_value_123";

  it("waits out retry-after and sends the request again", async () => {
    const server = await serve([{ status: 403, headers: { "retry-after": "7" } }, { status: 201 }]);
    const clock = fakeClock(1_700_000_000_000);
    const waits: number[] = [];
    const client = await connect({
      apiUrl: server.apiUrl,
      org: "o",
      auth: { token },
      throttle: new CreationThrottle({ perMinute: 80, perHour: 500 }, clock),
      clock,
      maxRetries: 3,
      onWait: (ms) => waits.push(ms),
    });
    const { status } = await client.octokit.request("POST /orgs/{org}/repos", {
      org: "o",
      name: "made",
    });
    expect(status).toBe(201);
    expect(server.posts()).toBe(2);
    expect(clock.sleeps).toEqual([7000]);
    expect(waits).toEqual([7000]);
    expect(client.stats).toMatchObject({ retries: 1, waitedMs: 7000, creating: 2, total: 3 });
    expect(client.login).toBe("someone");
  });

  it("gives up after maxRetries with an error naming the request, never the token", async () => {
    const server = await serve([{ status: 429, headers: { "retry-after": "2" } }]);
    const clock = fakeClock(1_700_000_000_000);
    const client = await connect({
      apiUrl: server.apiUrl,
      org: "o",
      auth: { token },
      throttle: new CreationThrottle({ perMinute: 80, perHour: 500 }, clock),
      clock,
      maxRetries: 2,
    });
    const error = await client.octokit
      .request("POST /orgs/{org}/repos", { org: "o", name: "never" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeedError);
    expect((error as Error).message).toMatch(
      /^POST \/orgs\/o\/repos: still refused by GitHub's secondary rate limit after 2 retries \(429: /,
    );
    expect((error as Error).message).not.toContain(token);
    expect(server.posts()).toBe(3);
    expect(clock.sleeps).toEqual([2000, 2000]);
  });
});
