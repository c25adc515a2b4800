import { gitOutput } from "../../core/git/git.ts";
import { triggerWorkflows } from "../runner/trigger.ts";
import { emitRepoEvent, type Sandbox } from "../sandbox.ts";
import { webhookPullRequest } from "../serialize/pull.ts";
import type { Principal, PullRequest } from "../state/model.ts";
import { workflowEventPayload } from "./event-payload.ts";
import { pullFacts, type PullFacts } from "./facts.ts";
import { refreshPullRefs } from "./pull-refs.ts";

/** The `pull_request` actions the sandbox sends. */
export type PullAction =
  | "opened"
  | "edited"
  | "closed"
  | "reopened"
  | "synchronize"
  | "labeled"
  | "unlabeled"
  | "assigned"
  | "unassigned";

/**
 * Sends one `pull_request` webhook (`extra` holds `before`/`after`, `changes`, `label`…) and
 * starts the `pull_request` workflows it matches, at the test merge commit of an open pull
 * request (none when it conflicts, as on GitHub) or the merge commit of a merged one; no
 * workflows when the actor is unknown. Returns the facts it computed about the pull request.
 */
export async function emitPullEvent(
  sandbox: Sandbox,
  pull: PullRequest,
  action: PullAction,
  senderId: number,
  actor: Principal | undefined,
  extra: Record<string, unknown> = {},
): Promise<PullFacts> {
  const { store } = sandbox;
  const repo = store.repos.get(pull.repoId)!;
  const open = store.issues.get(pull.issueId)?.state === "open";
  const facts = await pullFacts(sandbox, pull);
  let sha: string | undefined = pull.mergeCommitSha ?? pull.headSha;
  if (open) {
    sha = await refreshPullRefs(repo, pull, facts.range.base);
    pull.mergeCommitSha = sha ?? null;
  }
  const fields = {
    number: pull.number,
    ...extra,
    pull_request: webhookPullRequest(sandbox, pull, facts),
  };
  emitRepoEvent(sandbox, repo, "pull_request", action, fields, senderId);
  if (actor !== undefined) {
    const payload = workflowEventPayload(sandbox, repo, action, fields, senderId);
    if (sha !== undefined)
      await triggerWorkflows(sandbox, repo, {
        event: "pull_request",
        ref: `refs/pull/${pull.number}/merge`,
        sha,
        payload,
        actor,
      });
    // pull_request_target runs the base branch's workflows, in the base's context.
    const baseTip = await gitOutput(["rev-parse", "--verify", "-q", `refs/heads/${pull.baseRef}`], {
      cwd: repo.gitDir,
    }).catch(() => "");
    if (baseTip !== "")
      await triggerWorkflows(sandbox, repo, {
        event: "pull_request_target",
        ref: `refs/heads/${pull.baseRef}`,
        sha: baseTip,
        payload,
        actor,
      });
  }
  return facts;
}
