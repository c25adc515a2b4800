import { repoFor } from "../auth/permissions.ts";
import { ApiError } from "../http/api-error.ts";
import type { Reply, RequestContext } from "../http/context.ts";
import { paginate } from "../http/paginate.ts";
import { branchWithProtection, shortBranch } from "../serialize/branch.ts";
import { readCommit } from "./commit-read.ts";
import { branchHead, listRefs } from "./ref-ops.ts";

/** GET /repos/{owner}/{repo}/branches: every branch by name (none is protected in the sandbox). */
export async function listBranches(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "metadata", "read");
  const onlyProtected = context.query.get("protected") === "true";
  const branches = onlyProtected
    ? []
    : (await listRefs(repo.gitDir))
        .filter((r) => r.ref.startsWith("refs/heads/"))
        .map((r) => shortBranch(context.sandbox, repo, r.ref.slice("refs/heads/".length), r.sha));
  return paginate(context, branches);
}

/** GET /repos/{owner}/{repo}/branches/{branch}: the branch with its head commit. */
export async function getBranch(context: RequestContext): Promise<Reply> {
  const repo = repoFor(context, "metadata", "read");
  const name = (context.params["*"] ?? "").replace(/^\/+|\/+$/g, "");
  const sha = name ? await branchHead(repo.gitDir, name) : undefined;
  const head = sha && (await readCommit(repo.gitDir, sha));
  if (!head) throw new ApiError(404, "Branch not found");
  return { status: 200, body: branchWithProtection(context.sandbox, repo, name, head) };
}
