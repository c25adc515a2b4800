import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { passAtK } from "../../../src/core/stats/pass-at-k.ts";

/** C(n, k) exactly, with big integers. */
function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let result = 1n;
  for (let i = 1; i <= k; i += 1) result = (result * BigInt(n - k + i)) / BigInt(i);
  return result;
}

describe("passAtK", () => {
  it("is c/n for k = 1 and the textbook values for small cases", () => {
    expect(passAtK(5, 1, 1)).toBeCloseTo(0.2, 12);
    expect(passAtK(5, 1, 2)).toBeCloseTo(1 - 6 / 10, 12); // 1 - C(4,2)/C(5,2)
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12); // 1 - C(7,5)/C(10,5)
    expect(passAtK(3, 0, 3)).toBe(0);
    expect(passAtK(3, 3, 1)).toBe(1);
    expect(passAtK(4, 2, 3)).toBe(1); // two failures cannot fill three draws
  });

  it("equals 1 - C(n-c, k) / C(n, k) computed exactly", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 60 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.integer({ min: 0, max: n }),
              fc.integer({ min: 1, max: n }),
            ),
          ),
        ([n, c, k]) => {
          const exact = 1 - Number((choose(n - c, k) * 10n ** 15n) / choose(n, k)) / 1e15;
          expect(passAtK(n, c, k)).toBeCloseTo(exact, 9);
        },
      ),
    );
  });

  it("does not overflow where the binomial coefficients would", () => {
    // C(2000, 1000) is far beyond a double; the product form stays finite.
    const value = passAtK(2000, 10, 1000);
    expect(value).toBeGreaterThan(0.99);
    expect(value).toBeLessThanOrEqual(1);
  });

  it("refuses impossible counts, naming them", () => {
    expect(() => passAtK(3, 4, 1)).toThrow("got n=3 c=4 k=1");
    expect(() => passAtK(3, 1, 4)).toThrow("1 <= k <= n");
    expect(() => passAtK(0, 0, 1)).toThrow(RangeError);
    expect(() => passAtK(2.5, 1, 1)).toThrow("integers");
  });
});
