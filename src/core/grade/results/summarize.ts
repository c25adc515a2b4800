const MAX_LINES = 5;
const MAX_CHARS = 500;

/**
 * First few non-blank lines of a failure message, trimmed for reports;
 * `undefined` when there is no text.
 */
export function summarizeMessage(text: string | undefined | null): string | undefined {
  if (text === undefined || text === null) return undefined;
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
  if (lines.length === 0) return undefined;
  const joined = lines.slice(0, MAX_LINES).join("\n");
  return joined.length > MAX_CHARS ? `${joined.slice(0, MAX_CHARS - 1)}…` : joined;
}
