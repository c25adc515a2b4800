/**
 * Paces content-creating requests (POST, PUT, PATCH, DELETE) below GitHub's secondary limits:
 * at most `perMinute` in any 60 seconds and `perHour` in any hour (GitHub: 80 and 500). A
 * sliding log of the last hour's creations, like the limit it avoids; the clock is injected so
 * that tests can pace without sleeping. (Bottleneck and p-throttle keep one window each and
 * read the real clock, so neither fits.)
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface CreationLimits {
  perMinute: number;
  perHour: number;
}

/** GitHub's documented secondary limits on content creation. */
export const GITHUB_CREATION_LIMITS: CreationLimits = { perMinute: 80, perHour: 500 };

const MINUTE = 60_000;
const HOUR = 3_600_000;

export class CreationThrottle {
  readonly #limits: CreationLimits;
  readonly #clock: Clock;
  readonly #times: number[] = [];
  #queue: Promise<unknown> = Promise.resolve();

  constructor(limits: CreationLimits, clock: Clock = systemClock) {
    for (const key of ["perMinute", "perHour"] as const) {
      if (!Number.isInteger(limits[key]) || limits[key] < 1)
        throw new RangeError(`limits.${key}: expected a whole number ≥ 1, got ${limits[key]}`);
    }
    this.#limits = limits;
    this.#clock = clock;
  }

  /**
   * Waits until one more creation fits in both windows, then counts it. Callers are served in
   * order. `onWait` hears each wait before it starts (milliseconds, and which limit).
   */
  acquire(onWait?: (ms: number, reason: string) => void): Promise<void> {
    const turn = this.#queue.then(() => this.#take(onWait));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** How long the next creation would wait now, without counting it. */
  delay(): { ms: number; reason: string } {
    const now = this.#clock.now();
    while (this.#times.length > 0 && now - this.#times[0]! >= HOUR) this.#times.shift();
    const times = this.#times;
    if (times.length >= this.#limits.perHour) {
      const oldest = times[times.length - this.#limits.perHour]!;
      return { ms: oldest + HOUR - now, reason: `${this.#limits.perHour} creations an hour` };
    }
    const inMinute = times.filter((t) => now - t < MINUTE);
    if (inMinute.length >= this.#limits.perMinute) {
      const oldest = inMinute[inMinute.length - this.#limits.perMinute]!;
      return { ms: oldest + MINUTE - now, reason: `${this.#limits.perMinute} creations a minute` };
    }
    return { ms: 0, reason: "" };
  }

  async #take(onWait?: (ms: number, reason: string) => void): Promise<void> {
    for (let wait = this.delay(); wait.ms > 0; wait = this.delay()) {
      onWait?.(wait.ms, wait.reason);
      await this.#clock.sleep(wait.ms);
    }
    this.#times.push(this.#clock.now());
  }
}
