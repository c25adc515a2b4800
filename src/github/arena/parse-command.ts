/** A command an issue or pull request comment gives the app (its first line). */
export type ArenaCommand =
  | { name: "select"; proposal: number }
  | { name: "claim" }
  | { name: "status" }
  | { name: "regrade" };

/** Reads the command on a comment's first line; undefined when there is none. */
export function parseCommand(body: string | null | undefined): ArenaCommand | undefined {
  const line = (body ?? "").trimStart().split(/\r?\n/, 1)[0]!.trim();
  let match = /^\/select\s+#?(\d{1,6})\b/i.exec(line);
  if (match) return { name: "select", proposal: Number(match[1]) };
  if (/^\/claim\s*$/i.test(line)) return { name: "claim" };
  match = /^\/lancer\s+(status|regrade)\s*$/i.exec(line);
  if (match) return { name: match[1]!.toLowerCase() as "status" | "regrade" };
  return undefined;
}
