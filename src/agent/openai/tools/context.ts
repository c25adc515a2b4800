/** What the workspace tools work on, and their limits. */
export interface WorkspaceToolContext {
  /** The task's checkout: every path the model names is relative to it and stays inside it. */
  root: string;
  /** The attempt's own folder outside the checkout (patch files, the shell's HOME and TMPDIR). */
  scratchDir: string;
  /** The longest a shell command may run; the model may ask for less. */
  shellTimeoutMs: number;
  /** The most characters of one tool result the model gets back. */
  maxOutputChars: number;
  /** Folders put first on the shell's PATH (the Node that runs Lancer, as for graded tests). */
  pathPrefix: readonly string[];
}
