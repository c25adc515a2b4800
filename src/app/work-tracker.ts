/** Counts work in progress, so a caller in the same process can wait until none is left. */
export class WorkTracker {
  #active = 0;
  #waiters: Array<() => void> = [];

  get active(): number {
    return this.#active;
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.#active += 1;
    try {
      return await work();
    } finally {
      this.#active -= 1;
      if (this.#active === 0) this.#waiters.splice(0).forEach((resolve) => resolve());
    }
  }

  /** Resolves when no tracked work is running. */
  idle(): Promise<void> {
    if (this.#active === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
