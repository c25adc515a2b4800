import { execa } from "execa";

export interface RefUpdate {
  ref: string;
  before: string;
  after: string;
}

/** Every ref of a repository and the object it points at. */
export async function readRefs(gitDir: string): Promise<Map<string, string>> {
  const { stdout } = await execa(
    "git",
    ["--git-dir", gitDir, "for-each-ref", "--format=%(refname) %(objectname)"],
    {
      env: { GIT_CONFIG_NOSYSTEM: "1" },
    },
  );
  return new Map(
    stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" ") as [string, string]),
  );
}
