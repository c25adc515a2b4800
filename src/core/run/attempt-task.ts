import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { AgentError, type Agent } from "../agent.ts";
import type { IsolationChoice } from "../environment/isolation.ts";
import { gradeIc } from "../grade/grade-ic.ts";
import { gradeManager } from "../grade/grade-manager.ts";
import type { LedgerEntry } from "../ledger/entry.ts";
import { computePayout } from "../payout.ts";
import { gradability, publicView, type BankTask } from "../task/bank.ts";
import { ensureSourceRepo } from "../workspace/source-repo.ts";
import { createAgentWorkspace } from "../workspace/workspace.ts";

export interface AttemptOptions {
  runId: string;
  attempt: number;
  runs: number;
  cacheDir: string;
  workRoot: string;
  pathPrefix?: readonly string[];
  isolation?: IsolationChoice;
}

/** One agent's attempt at one task, graded and priced, as the ledger entry to write. */
export async function attemptTask(
  bankTask: BankTask,
  agent: Agent,
  options: AttemptOptions,
): Promise<LedgerEntry> {
  const { task } = bankTask;
  const entry = {
    runId: options.runId,
    agent: agent.name,
    taskId: task.id,
    attempt: options.attempt,
    kind: task.kind,
    priceCents: task.price_cents,
  };
  const gradable = gradability(task);
  if (!gradable.gradable) {
    return {
      ...entry,
      outcome: "not_gradable",
      reason: "graded-externally",
      detail: gradable.reason,
      payoutCents: 0,
      recordedAt: now(),
    };
  }
  const scratchDir = await mkdtemp(path.join(options.workRoot, `lancer-${task.id}-agent-`));
  try {
    const outcome = task.kind === "manager" ? await attemptManager() : await attemptIc();
    const payout = computePayout(task.price_cents, outcome.grade.verdict);
    return {
      ...entry,
      outcome: outcome.grade.verdict,
      reason: outcome.grade.reason,
      detail: outcome.grade.detail,
      payoutCents: payout.cents ?? 0,
      ...outcome.extra,
      ...(outcome.usage ? { usage: outcome.usage } : {}),
      recordedAt: now(),
    };

    async function attemptManager() {
      const submission = await agent.solveManager({ task: publicView(task), scratchDir });
      const grade = gradeManager(task, submission.selectedProposalId);
      const runs = [
        { selected_proposal_id: submission.selectedProposalId, reason: submission.reason ?? null },
      ];
      return { grade, usage: submission.usage, extra: { runs } };
    }

    async function attemptIc() {
      const submission = await agent.solveIc({
        task: publicView(task),
        scratchDir,
        workspace: async () => {
          const dir = path.join(scratchDir, "workspace");
          const source = await ensureSourceRepo(bankTask, options.cacheDir);
          return { dir, baseCommit: await createAgentWorkspace(source, dir) };
        },
      });
      const grade = await gradeIc(bankTask, {
        patch: submission.patch,
        runs: options.runs,
        cacheDir: options.cacheDir,
        workRoot: options.workRoot,
        ...(options.pathPrefix ? { pathPrefix: options.pathPrefix } : {}),
        ...(options.isolation ? { isolation: options.isolation } : {}),
      });
      const extra = {
        testsPassed: grade.testsPassed,
        testsFailed: grade.testsFailed,
        runs: grade.runs,
      };
      return { grade, usage: submission.usage, extra };
    }
  } catch (error) {
    const detail = `agent ${agent.name} failed: ${error instanceof Error ? error.message : String(error)}`;
    const usage = error instanceof AgentError ? error.usage : undefined;
    return {
      ...entry,
      outcome: "error",
      reason: error instanceof AgentError ? "agent-error" : "harness-error",
      detail,
      payoutCents: 0,
      ...(usage ? { usage } : {}),
      recordedAt: now(),
    };
  } finally {
    await rm(scratchDir, { recursive: true, force: true });
  }
}

function now(): string {
  return new Date().toISOString();
}
