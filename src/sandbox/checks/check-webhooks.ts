import { emitRepoEvent, type Sandbox } from "../sandbox.ts";
import { webhookCheckRun, webhookCheckSuite } from "../serialize/checks.ts";
import type { CheckRun, CheckSuite, Repo } from "../state/model.ts";
import type { CommitInfo } from "./commit-info.ts";

/** Sends `check_run` with an action (`created`, `completed`, `rerequested`) for a run as it is now. */
export function emitCheckRunEvent(
  sandbox: Sandbox,
  repo: Repo,
  run: CheckRun,
  action: "created" | "completed" | "rerequested",
  senderId: number,
): void {
  emitRepoEvent(
    sandbox,
    repo,
    "check_run",
    action,
    { check_run: webhookCheckRun(sandbox, repo, run) },
    senderId,
  );
}

/** Sends `check_suite` with an action (`completed`, `rerequested`) for a suite as it is now. */
export function emitCheckSuiteEvent(
  sandbox: Sandbox,
  repo: Repo,
  suite: CheckSuite,
  headCommit: CommitInfo,
  action: "completed" | "rerequested",
  senderId: number,
): void {
  emitRepoEvent(
    sandbox,
    repo,
    "check_suite",
    action,
    { check_suite: webhookCheckSuite(sandbox, repo, suite, headCommit, action) },
    senderId,
  );
}
