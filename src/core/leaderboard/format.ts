/** Text helpers shared by the leaderboard renderers. */

/** earned / available as a percentage with one decimal ("12.5"); "0.0" when nothing is available. */
export function percentText(earnedCents: number, availableCents: number): string {
  const tenths = availableCents === 0 ? 0 : Math.round((earnedCents * 1000) / availableCents);
  return `${Math.trunc(tenths / 10)}.${Math.abs(tenths % 10)}`;
}

const XML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Text safe inside an XML element or attribute; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return (
    text
      .toWellFormed()
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      .replace(/[&<>"']/g, (char) => XML_ENTITIES[char]!)
  );
}

/**
 * Text shown literally in GitHub Markdown, table cells included: one line, no emphasis, links,
 * code, math or HTML.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .replace(/[\\`*_[\]|~$]/g, (char) => `\\${char}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** A percentage (0–100, unrounded) with one decimal: 56.04 → "56.0". */
export function percentFixed(percent: number): string {
  return percent.toFixed(1);
}

/** "41.2–70.3" for an interval in percent; "–" when there is none. */
export function intervalText(ci: { low: number; high: number } | null): string {
  return ci ? `${percentFixed(ci.low)}–${percentFixed(ci.high)}` : "–";
}

/** "2 of 3" approved of the reviewed attempts; "–" when no attempt was reviewed. */
export function clientAcceptedText(review: { reviewed: number; approved: number }): string {
  return review.reviewed === 0 ? "–" : `${review.approved} of ${review.reviewed}`;
}

/** The largest k an agent has pass@k for, or undefined when it attempted nothing. */
export function widestPassAt<T extends { k: number }>(passAt: readonly T[]): T | undefined {
  return passAt.at(-1);
}
