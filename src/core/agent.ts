import type { Usage } from "./ledger/entry.ts";
import type { PublicTask } from "./task/schema.ts";

/** A fresh checkout of a task's base for an agent: one commit, no history, no hidden files. */
export interface AgentWorkspace {
  dir: string;
  /** The id of the checkout's only commit. */
  baseCommit: string;
}

export interface IcContext {
  task: PublicTask;
  /** Creates the agent's workspace; agents that need no files (oracle, predictions) skip it. */
  workspace: () => Promise<AgentWorkspace>;
  /** A folder of the attempt's own, outside the workspace, for task files and logs. */
  scratchDir: string;
}

export interface ManagerContext {
  task: PublicTask;
  scratchDir: string;
}

export interface IcSubmission {
  /** Unified diff against the base; "" for no change. */
  patch: string;
  usage?: Usage;
  /** Where the agent saved its trajectory (JSONL), when it keeps one. */
  trajectoryFile?: string;
}

export interface ManagerSubmission {
  selectedProposalId: number | null;
  reason?: string;
  usage?: Usage;
  trajectoryFile?: string;
}

/**
 * Thrown by an agent that could not finish for a reason outside the model's answer (an
 * endpoint that keeps failing). The attempt is recorded as verdict `error` with what was
 * spent, so it is retried later and never paid as $0.
 */
export class AgentError extends Error {
  override name = "AgentError";
  readonly usage: Usage | undefined;
  constructor(message: string, usage?: Usage) {
    super(message);
    this.usage = usage;
  }
}

/** Whatever acts for the model on local runs. Sees only the public part of a task. */
export interface Agent {
  /** The name it is recorded under in the ledger, e.g. `oracle` or `select:0`. */
  name: string;
  solveIc(context: IcContext): Promise<IcSubmission>;
  solveManager(context: ManagerContext): Promise<ManagerSubmission>;
}
