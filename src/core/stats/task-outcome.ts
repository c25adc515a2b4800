/** What one agent did on one task: the unit the statistics resample. */
export interface TaskOutcome {
  task_id: string;
  kind: "ic" | "manager";
  price_cents: number;
  /** What the task offers; 0 for a task paid but no longer on offer. */
  available_cents: number;
  /**
   * False for a task paid but no longer on offer: its earnings count, but it is not one of the
   * tasks the intervals resample (its earnings are added to every resample as they are).
   */
  on_offer: boolean;
  /** What the agent earned on it (a task pays at most once). */
  earned_cents: number;
  /** Decided attempts (pass or fail); grading errors and tasks not gradable here are none. */
  attempts: number;
  /** Attempts that passed. */
  passes: number;
}
