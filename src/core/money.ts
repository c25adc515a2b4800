/** Formats integer cents as US dollars: 100000 → "$1,000", 12345 → "$123.45". */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new TypeError(`cents must be an integer, got ${cents}`);
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const dollars = Math.trunc(abs / 100).toLocaleString("en-US");
  const rest = abs % 100;
  return `${sign}$${dollars}${rest === 0 ? "" : `.${String(rest).padStart(2, "0")}`}`;
}

/**
 * Converts a dollar amount as written in a data file ("1000.0", 250, "$1,000.50") to cents.
 * Returns undefined when the value is not a non-negative amount with at most two decimals.
 */
export function dollarsToCents(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value : "";
  const match = /^\$?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const whole = Number(match[1]!.replaceAll(",", ""));
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > 2) return undefined;
  const cents = whole * 100 + Number(fraction.padEnd(2, "0"));
  return Number.isSafeInteger(cents) ? cents : undefined;
}
