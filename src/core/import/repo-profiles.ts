import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { describeProblems, fieldProblems } from "../task/format-issues.ts";
import { ImageReference, TestFormat } from "../task/schema.ts";
import { ImportFormatError } from "./swe-lancer-csv.ts";

/** A command or a list of commands, as datasets spell them; always a list once parsed. */
export const Commands = z
  .union([z.string().min(1), z.array(z.string().min(1))])
  .transform((value) => (typeof value === "string" ? [value] : value));

/** How to set up and test one repository (or one version of it). */
const ProfileFields = z.strictObject({
  install: Commands.optional(),
  build: Commands.optional(),
  image: ImageReference.optional(),
  test_cmd: z.string().min(1).optional(),
  test_format: TestFormat.optional(),
  test_results: z.string().min(1).optional(),
});

const RepoProfile = ProfileFields.extend({
  /** Per `version` of a row (as SWE-bench keeps its specs), over the repository's defaults. */
  versions: z.record(z.string(), ProfileFields).optional(),
});

/**
 * A profile table: `owner/name` → install, build and test commands, for datasets whose rows
 * carry none (the way the SWE-bench harness keeps its specs per repository and version).
 */
export const RepoProfiles = z.record(z.string(), RepoProfile).superRefine((table, ctx) => {
  for (const repo of Object.keys(table))
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo))
      ctx.addIssue({ code: "custom", path: [repo], message: "expected owner/name as the key" });
});
export type RepoProfiles = z.output<typeof RepoProfiles>;
export type Profile = z.output<typeof ProfileFields>;

/** Reads and validates a profile table (YAML or JSON), naming the file and key of each problem. */
export async function readRepoProfiles(file: string): Promise<RepoProfiles> {
  const text = await readFile(file, "utf8").catch((error: Error) => {
    throw new ImportFormatError(`--profiles: ${file} cannot be read: ${error.message}`);
  });
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ImportFormatError(`--profiles: ${file}: not valid YAML: ${(error as Error).message}`);
  }
  const parsed = RepoProfiles.safeParse(raw ?? {});
  if (!parsed.success)
    throw new ImportFormatError(
      describeProblems(`--profiles: ${file}`, fieldProblems(parsed.error)),
    );
  return parsed.data;
}

/** The profile for a row's repository and version: the version's fields over the repository's. */
export function profileFor(
  profiles: RepoProfiles | undefined,
  repo: string,
  version: string | undefined,
): Profile {
  const entry = profiles?.[repo];
  if (!entry) return {};
  const { versions, ...defaults } = entry;
  return { ...defaults, ...(version !== undefined ? versions?.[version] : undefined) };
}
