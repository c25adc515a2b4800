/** What one agent did on one task: the unit the statistics resample. */
export interface TaskOutcome {
  task_id: string;
  kind: "ic" | "manager";
  price_cents: number;
  /** What the task offers; 0 for a task paid but no longer on offer. */
  available_cents: number;
  /** What the agent earned on it (a task pays at most once). */
  earned_cents: number;
  /** Decided attempts (pass or fail); grading errors and tasks not gradable here are none. */
  attempts: number;
  /** Attempts that passed. */
  passes: number;
}
