import type { Sandbox } from "../sandbox.ts";
import type { CheckRun, CheckSuite, Repo } from "../state/model.ts";
import { resetCheckSuite } from "./check-suites.ts";
import { emitCheckRunEvent, emitCheckSuiteEvent } from "./check-webhooks.ts";
import type { CommitInfo } from "./commit-info.ts";

/**
 * Re-requests a completed check run: sends `check_run.rerequested` (the run and its suite as
 * they were), then resets the suite to queued without a conclusion. The run itself is left as
 * it is: the app decides whether to update it, as on GitHub.
 */
export function rerequestCheckRun(
  sandbox: Sandbox,
  repo: Repo,
  run: CheckRun,
  senderId: number,
): void {
  emitCheckRunEvent(sandbox, repo, run, "rerequested", senderId);
  const suite = sandbox.store.checkSuites.get(run.checkSuiteId);
  if (suite) resetCheckSuite(suite);
}

/** Re-requests a check suite: resets it to queued without a conclusion and sends `check_suite.rerequested`. */
export function rerequestCheckSuite(
  sandbox: Sandbox,
  repo: Repo,
  suite: CheckSuite,
  headCommit: CommitInfo,
  senderId: number,
): void {
  resetCheckSuite(suite);
  emitCheckSuiteEvent(sandbox, repo, suite, headCommit, "rerequested", senderId);
}
