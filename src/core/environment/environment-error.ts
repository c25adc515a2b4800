/**
 * The environment could not be set up (an install step failed, no Docker daemon, a missing
 * image): the grader's problem, never the candidate's, so a verdict `error`, never `fail`.
 * The message names the step or the part missing and ends with the start and end of its log when there is one.
 */
export class EnvironmentError extends Error {
  override name = "EnvironmentError";
}
