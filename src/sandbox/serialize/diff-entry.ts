import type { FileChange } from "../pulls/diff.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo } from "../state/model.ts";
import { encodePath } from "./content.ts";

/** GitHub's `diff-entry` for a file a pull request changes, linked at the head commit. */
export function diffEntry(
  sandbox: Sandbox,
  repo: Repo,
  headSha: string,
  change: FileChange,
): Record<string, unknown> {
  const name = `${sandbox.store.ownerLogin(repo)}/${repo.name}`;
  const path = encodePath(change.filename);
  return {
    sha: change.blobSha,
    filename: change.filename,
    status: change.status,
    additions: change.additions,
    deletions: change.deletions,
    changes: change.additions + change.deletions,
    blob_url: `${sandbox.url}/${name}/blob/${headSha}/${path}`,
    raw_url: `${sandbox.url}/${name}/raw/${headSha}/${path}`,
    contents_url: `${sandbox.apiUrl}/repos/${name}/contents/${path}?ref=${headSha}`,
    ...(change.patch === undefined ? {} : { patch: change.patch }),
    ...(change.previousFilename === undefined
      ? {}
      : { previous_filename: change.previousFilename }),
  };
}
