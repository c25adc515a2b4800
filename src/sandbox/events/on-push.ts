import type { RefUpdate } from "../git/refs.ts";
import { principalUserId } from "../pulls/acting-user.ts";
import { describePush } from "../pulls/describe-push.ts";
import { workflowEventPayload } from "../pulls/event-payload.ts";
import { followBaseBranch, synchronizePulls } from "../pulls/follow-push.ts";
import { triggerWorkflows } from "../runner/trigger.ts";
import { emitRepoEvent, type Sandbox } from "../sandbox.ts";
import { pushPayload } from "../serialize/push-payload.ts";
import type { Principal, Repo } from "../state/model.ts";
import { timestamp } from "../state/store.ts";

const BRANCH = /^refs\/heads\/(.+)$/;

/**
 * After a push (over git or through the API): for each changed branch or tag, the `push`
 * webhook and the `push` workflows; open pull requests whose head branch moved are
 * synchronized (`pull_request` `synchronize` and its workflows); open pull requests whose
 * head landed in their base branch are marked merged, as GitHub does. Refs GitHub keeps
 * itself (`refs/pull/*`) are ignored. Never throws: a failure is reported as a process
 * warning, since pushes are answered before this runs.
 */
export async function onPush(
  sandbox: Sandbox,
  repo: Repo,
  updates: RefUpdate[],
  principal: Principal,
): Promise<void> {
  const pusherId = principalUserId(sandbox, principal);
  const pusher = pusherId === undefined ? undefined : sandbox.store.users.get(pusherId);
  if (!pusher) return;
  const relevant = updates.filter((u) => /^refs\/(heads|tags)\//.test(u.ref));
  if (relevant.length > 0) repo.pushedAt = timestamp();
  for (const update of relevant) {
    try {
      const facts = await describePush(repo.gitDir, update, pusher);
      const fields = pushPayload(sandbox, repo, facts);
      emitRepoEvent(sandbox, repo, "push", null, fields, pusher.id);
      if (facts.deleted) continue;
      const branch = BRANCH.exec(update.ref)?.[1];
      if (branch !== undefined) {
        await synchronizePulls(sandbox, repo, branch, update.after, pusher.id, principal);
        await followBaseBranch(sandbox, repo, branch, update, pusher.id, principal);
      }
      await triggerWorkflows(sandbox, repo, {
        event: "push",
        ref: update.ref,
        sha: facts.headCommit?.sha ?? update.after,
        payload: workflowEventPayload(sandbox, repo, null, fields, pusher.id),
        actor: principal,
      });
    } catch (error) {
      process.emitWarning(
        `sandbox: handling the push of ${update.ref} to ${repo.name} failed: ${(error as Error).message}`,
      );
    }
  }
}
