import picomatch from "picomatch";

export interface TamperFinding {
  path: string;
  why: string;
}

export interface TamperRules {
  /** Globs of test infrastructure a candidate must not touch. */
  protectedGlobs: readonly string[];
  /** Paths of the hidden files that will be overlaid (always protected). */
  hiddenPaths: readonly string[];
  /** Folders a candidate may change; empty means anywhere. */
  acceptableFolders: readonly string[];
}

/** Lists each changed path that touches protected paths or lies outside the acceptable folders. */
export function findTampering(changed: readonly string[], rules: TamperRules): TamperFinding[] {
  const isProtected = picomatch([...rules.protectedGlobs], { dot: true });
  const hidden = new Set(rules.hiddenPaths);
  const folders = rules.acceptableFolders
    .map((f) => f.replace(/^\.\/|\/+$/g, ""))
    .filter((f) => f !== "" && f !== ".");
  const findings: TamperFinding[] = [];
  for (const file of changed) {
    if (hidden.has(file)) findings.push({ path: file, why: "is a hidden test file" });
    else if (rules.protectedGlobs.length > 0 && isProtected(file)) {
      findings.push({ path: file, why: "is protected test infrastructure" });
    } else if (folders.length > 0 && !folders.some((f) => file === f || file.startsWith(`${f}/`))) {
      findings.push({
        path: file,
        why: `is outside the acceptable folders (${folders.join(", ")})`,
      });
    }
  }
  return findings;
}
