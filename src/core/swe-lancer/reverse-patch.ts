/**
 * The reverse of a unified diff (what `patch -R` applies), or undefined for a diff it cannot
 * turn around (binary parts). SWE-Lancer's base is a commit with the bug patch applied, so
 * the bug patch reversed is the reference fix (gold.patch).
 */
export function reversePatch(patch: string): string | undefined {
  if (/^(?:GIT binary patch|Binary files )/m.test(patch)) return undefined;
  const out: string[] = [];
  const lines = patch.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const hunk = /^@@ -(\d+(?:,\d+)?) \+(\d+(?:,\d+)?) @@(.*)$/.exec(line);
    if (hunk) {
      out.push(`@@ -${hunk[2]} +${hunk[1]} @@${hunk[3]}`);
      i = reverseHunkBody(lines, i, hunk[1]!, hunk[2]!, out);
      continue;
    }
    out.push(reverseHeader(line, lines[i + 1]));
    if (line.startsWith("--- ") && lines[i + 1]?.startsWith("+++ ")) i++;
  }
  return out.join("\n");
}

/** Copies one hunk's body with `-` and `+` swapped; returns the index of its last line. */
function reverseHunkBody(
  lines: string[],
  start: number,
  oldRange: string,
  newRange: string,
  out: string[],
): number {
  const count = (range: string) => Number(range.split(",")[1] ?? 1);
  let [oldLeft, newLeft] = [count(oldRange), count(newRange)];
  let i = start;
  while ((oldLeft > 0 || newLeft > 0) && i + 1 < lines.length) {
    const body = lines[++i]!;
    if (body.startsWith("\\")) out.push(body);
    else if (body.startsWith("-")) {
      out.push(`+${body.slice(1)}`);
      oldLeft--;
    } else if (body.startsWith("+")) {
      out.push(`-${body.slice(1)}`);
      newLeft--;
    } else {
      out.push(body);
      oldLeft--;
      newLeft--;
    }
  }
  // A "\ No newline at end of file" right after the last line belongs to the hunk.
  if (lines[i + 1]?.startsWith("\\")) out.push(lines[++i]!);
  return i;
}

/** A file header line turned around; `---` is given with the `+++` line after it. */
function reverseHeader(line: string, next: string | undefined): string {
  if (line.startsWith("--- ") && next?.startsWith("+++ ")) {
    const from = next.slice(4).replace(/^b\//, "a/");
    const to = line.slice(4).replace(/^a\//, "b/");
    return `--- ${from}\n+++ ${to}`;
  }
  let m = /^diff --git a\/(\S+) b\/(\S+)$/.exec(line);
  if (m) return `diff --git a/${m[2]} b/${m[1]}`;
  m = /^index ([0-9a-f]+)\.\.([0-9a-f]+)(.*)$/.exec(line);
  if (m) return `index ${m[2]}..${m[1]}${m[3]}`;
  const swaps: Array<[RegExp, string]> = [
    [/^new file mode /, "deleted file mode "],
    [/^deleted file mode /, "new file mode "],
    [/^old mode /, "new mode "],
    [/^new mode /, "old mode "],
    [/^rename from /, "rename to "],
    [/^rename to /, "rename from "],
  ];
  for (const [from, to] of swaps) if (from.test(line)) return line.replace(from, to);
  return line;
}
