/**
 * GitHub's filter patterns (branches, tags, paths): `*` matches anything but `/`, `**` matches
 * anything, `?` makes the preceding character optional, `+` repeats it, `[a-z]` is a class,
 * `\` escapes. Patterns are anchored at both ends.
 */
export function filterPatternRegex(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        out += ".*";
        i++;
      } else out += "[^/]*";
    } else if (c === "?" || c === "+") {
      out += c;
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        out += `[${pattern.slice(i + 1, end).replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) {
      out += escapeRegex(pattern[i + 1]!);
      i++;
    } else out += escapeRegex(c);
  }
  return new RegExp(`^${out}$`);
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/**
 * Whether a name is selected by an ordered list of patterns where `!pattern` takes back what
 * earlier patterns selected (the last pattern that matches decides).
 */
export function selectedBy(patterns: readonly string[], name: string): boolean {
  let selected = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    if (filterPatternRegex(negated ? pattern.slice(1) : pattern).test(name)) selected = !negated;
  }
  return selected;
}

/**
 * Whether a list of changed files passes `paths` / `paths-ignore`: with `paths`, some file
 * must be selected; with `paths-ignore`, some file must escape it. No filter: always.
 */
export function pathsPass(
  filter: { paths?: string[]; "paths-ignore"?: string[] },
  changed: readonly string[] | undefined,
): boolean {
  // Without a diff (GitHub: too large, or a new ref without a base) the workflow runs.
  if (changed === undefined) return true;
  if (filter.paths) return changed.some((file) => selectedBy(filter.paths!, file));
  const ignore = filter["paths-ignore"];
  if (ignore) return changed.some((file) => !selectedBy(ignore, file));
  return true;
}
