import { describe, expect, it } from "vitest";
import { DEFAULT_BOOTSTRAP, percentileBootstrap } from "../../../src/core/stats/bootstrap.ts";

/** The weighted mean of 0/1 values, in percent. */
function meanOf(values: number[]) {
  return (w: Uint32Array) => {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < w.length; i += 1) {
      sum += w[i]! * values[i]!;
      count += w[i]!;
    }
    return [(100 * sum) / count];
  };
}

const half = Array.from({ length: 400 }, (_, i) => i % 2);

describe("percentileBootstrap", () => {
  it("gives the same interval for the same seed and another for another seed", () => {
    const a = percentileBootstrap(half.length, meanOf(half), {
      ...DEFAULT_BOOTSTRAP,
      resamples: 2000,
    });
    const b = percentileBootstrap(half.length, meanOf(half), {
      ...DEFAULT_BOOTSTRAP,
      resamples: 2000,
    });
    const c = percentileBootstrap(half.length, meanOf(half), {
      ...DEFAULT_BOOTSTRAP,
      resamples: 2000,
      seed: 7,
    });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it("agrees with the normal approximation for a large sample of coin flips", () => {
    // p = 0.5, n = 400: the 95% half-width is 1.96 × sqrt(0.25 / 400) = 4.9 points.
    const [interval] = percentileBootstrap(half.length, meanOf(half));
    expect(interval!.low).toBeGreaterThan(50 - 4.9 - 0.8);
    expect(interval!.low).toBeLessThan(50 - 4.9 + 0.8);
    expect(interval!.high).toBeGreaterThan(50 + 4.9 - 0.8);
    expect(interval!.high).toBeLessThan(50 + 4.9 + 0.8);
  });

  it("has no width when every task agrees, and no interval without tasks", () => {
    const ones = [1, 1, 1, 1, 1];
    expect(percentileBootstrap(ones.length, meanOf(ones))).toEqual([{ low: 100, high: 100 }]);
    expect(percentileBootstrap(0, () => [0, 0])).toEqual([null, null]);
  });

  it("is wider at 99% than at 90%", () => {
    const skewed = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const [narrow] = percentileBootstrap(skewed.length, meanOf(skewed), {
      ...DEFAULT_BOOTSTRAP,
      confidence: 0.9,
    });
    const [wide] = percentileBootstrap(skewed.length, meanOf(skewed), {
      ...DEFAULT_BOOTSTRAP,
      confidence: 0.99,
    });
    expect(wide!.low).toBeLessThan(narrow!.low);
    expect(wide!.high).toBeGreaterThan(narrow!.high);
  });

  it("refuses bad options by name", () => {
    const measure = meanOf([1]);
    expect(() => percentileBootstrap(1, measure, { ...DEFAULT_BOOTSTRAP, seed: -1 })).toThrow(
      "bootstrap seed",
    );
    expect(() => percentileBootstrap(1, measure, { ...DEFAULT_BOOTSTRAP, resamples: 0 })).toThrow(
      "bootstrap resamples",
    );
    expect(() => percentileBootstrap(1, measure, { ...DEFAULT_BOOTSTRAP, confidence: 1 })).toThrow(
      "bootstrap confidence",
    );
  });
});
