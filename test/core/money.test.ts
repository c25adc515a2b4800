import { describe, expect, it } from "vitest";
import { dollarsToCents, formatCents } from "../../src/core/money.ts";

describe("formatCents", () => {
  it("formats whole dollars with thousands separators and no decimals", () => {
    expect(formatCents(100_000)).toBe("$1,000");
    expect(formatCents(800_000_00)).toBe("$800,000");
    expect(formatCents(0)).toBe("$0");
  });
  it("keeps cents when there are any", () => {
    expect(formatCents(12_345)).toBe("$123.45");
    expect(formatCents(5)).toBe("$0.05");
    expect(formatCents(-250)).toBe("-$2.50");
  });
  it("refuses fractions of a cent", () => {
    expect(() => formatCents(1.5)).toThrow(/integer/);
  });
});

describe("dollarsToCents", () => {
  it("reads the price column of SWE-Lancer and other spellings", () => {
    expect(dollarsToCents("1000.0")).toBe(100_000);
    expect(dollarsToCents(250)).toBe(25_000);
    expect(dollarsToCents("$1,000.50")).toBe(100_050);
    expect(dollarsToCents("16000.00")).toBe(1_600_000);
  });
  it("rejects what is not an amount", () => {
    expect(dollarsToCents("-5")).toBeUndefined();
    expect(dollarsToCents("1.005")).toBeUndefined();
    expect(dollarsToCents("abc")).toBeUndefined();
    expect(dollarsToCents(undefined)).toBeUndefined();
    expect(dollarsToCents("1,00")).toBeUndefined();
  });
});
