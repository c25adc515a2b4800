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
}

export interface ManagerSubmission {
  selectedProposalId: number | null;
  reason?: string;
  usage?: Usage;
}

/** Whatever acts for the model on local runs. Sees only the public part of a task. */
export interface Agent {
  /** The name it is recorded under in the ledger, e.g. `oracle` or `select:0`. */
  name: string;
  solveIc(context: IcContext): Promise<IcSubmission>;
  solveManager(context: ManagerContext): Promise<ManagerSubmission>;
}
