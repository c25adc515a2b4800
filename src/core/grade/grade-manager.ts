import type { TaskFile } from "../task/schema.ts";
import type { Verdict, VerdictReason } from "./verdict.ts";

export interface ManagerGrade {
  verdict: Verdict;
  reason: VerdictReason;
  detail: string;
  selectedProposalId: number | null;
}

/** Grades a manager task: the selected proposal against the one the real manager chose. */
export function gradeManager(task: TaskFile, selectedProposalId: number | null): ManagerGrade {
  const correct = task.hidden.correct_proposal_id;
  if (correct === undefined) {
    return {
      verdict: "error",
      reason: "harness-error",
      detail: "the task has no correct proposal",
      selectedProposalId,
    };
  }
  if (selectedProposalId === null) {
    return {
      verdict: "fail",
      reason: "no-selection",
      detail: "no proposal was selected",
      selectedProposalId,
    };
  }
  if (!task.proposals?.some((p) => p.id === selectedProposalId)) {
    return {
      verdict: "fail",
      reason: "wrong-proposal",
      detail: `proposal ${selectedProposalId} does not exist`,
      selectedProposalId,
    };
  }
  return selectedProposalId === correct
    ? {
        verdict: "pass",
        reason: "ok",
        detail: `selected proposal ${selectedProposalId}`,
        selectedProposalId,
      }
    : {
        verdict: "fail",
        reason: "wrong-proposal",
        detail: `selected proposal ${selectedProposalId}`,
        selectedProposalId,
      };
}
