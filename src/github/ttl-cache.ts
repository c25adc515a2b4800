/**
 * Remembers answers for a short time, per key. An instance of the app keeps nothing it could
 * not lose: this only saves requests for things that rarely change (the org's configuration,
 * a task's price), and a stale answer lasts at most `ttlMs`.
 */
export class TtlCache<T> {
  readonly #entries = new Map<string, { value: Promise<T>; until: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The remembered value, or `load()`'s (a failed load is not remembered). */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && hit.until > this.#now()) return hit.value;
    const value = load();
    this.#entries.set(key, { value, until: this.#now() + this.#ttlMs });
    value.catch(() => this.#entries.delete(key));
    return value;
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }
}
