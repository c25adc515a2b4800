import type { RefInfo } from "../contents/ref-ops.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Repo } from "../state/model.ts";
import { encodePath } from "./content.ts";

/** The `node_id` of a ref: opaque and stable per repository and ref name. */
export function refNodeId(repo: Repo, ref: string): string {
  return Buffer.from(`0:Ref${repo.id}:${ref}`).toString("base64url");
}

/** GitHub's `git-ref`: `refs/heads/main` and the object it points at. */
export function gitRef(sandbox: Sandbox, repo: Repo, info: RefInfo): Record<string, unknown> {
  const api = `${sandbox.apiUrl}/repos/${sandbox.store.ownerLogin(repo)}/${repo.name}`;
  const kind = info.type === "tag" ? "tags" : info.type === "commit" ? "commits" : `${info.type}s`;
  return {
    ref: info.ref,
    node_id: refNodeId(repo, info.ref),
    url: `${api}/git/${encodePath(info.ref)}`,
    object: { type: info.type, sha: info.sha, url: `${api}/git/${kind}/${info.sha}` },
  };
}
