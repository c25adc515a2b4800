import type { Sandbox } from "../sandbox.ts";
import type { Principal } from "../state/model.ts";

/** What a run needs to be run again (a re-run replays its trigger). */
export interface RunOrigin {
  workflowPath: string;
  event: string;
  ref: string;
  sha: string;
  payload: Record<string, unknown>;
  actor: Principal;
  inputs: Record<string, string | boolean>;
}

/**
 * Cancelling a run: `cancelled` lets `always()`/`cancelled()` steps and jobs still run, as
 * on GitHub; `stopping` (the sandbox stops) skips everything left. `kills` end the step
 * processes running now.
 */
export interface RunControl {
  cancelled: boolean;
  stopping: boolean;
  kills: Set<() => void>;
}

interface RunnerState {
  active: Set<Promise<unknown>>;
  origins: Map<number, RunOrigin>;
  controls: Map<number, RunControl>;
  /** The sandbox is stopping: runs that start now are stopped at once. */
  stopped: boolean;
}

const states = new WeakMap<Sandbox, RunnerState>();

function stateOf(sandbox: Sandbox): RunnerState {
  let state = states.get(sandbox);
  if (!state) {
    state = { active: new Set(), origins: new Map(), controls: new Map(), stopped: false };
    states.set(sandbox, state);
  }
  return state;
}

/** Keeps track of background work (a trigger, a run) until it settles. */
export function trackRun<T>(sandbox: Sandbox, work: Promise<T>): Promise<T> {
  const { active } = stateOf(sandbox);
  active.add(work);
  void work.then(
    () => active.delete(work),
    () => active.delete(work),
  );
  return work;
}

/** How much background work (triggers, runs, push handling) is under way. */
export function runsActive(sandbox: Sandbox): number {
  return stateOf(sandbox).active.size;
}

/**
 * Resolves when no workflow run (and no trigger still reading workflow files) is under way:
 * the synchronisation point for tests and for stopping the sandbox.
 */
export async function runsIdle(sandbox: Sandbox): Promise<void> {
  const { active } = stateOf(sandbox);
  while (active.size > 0) await Promise.allSettled([...active]);
}

/** Remembers how a run was started. */
export function rememberOrigin(sandbox: Sandbox, runId: number, origin: RunOrigin): void {
  stateOf(sandbox).origins.set(runId, origin);
}

/** How a run was started, for a re-run. */
export function originOf(sandbox: Sandbox, runId: number): RunOrigin | undefined {
  return stateOf(sandbox).origins.get(runId);
}

/** The control of a run attempt, created fresh with `reset` (a new attempt). */
export function runControl(sandbox: Sandbox, runId: number, reset = false): RunControl {
  const { controls, stopped } = stateOf(sandbox);
  let control = controls.get(runId);
  if (!control || reset) {
    control = { cancelled: stopped, stopping: stopped, kills: new Set() };
    controls.set(runId, control);
  }
  return control;
}

/** Cancels a run: ends its running steps; with `stop`, nothing more of it runs. */
export function cancelRun(sandbox: Sandbox, runId: number, stop = false): void {
  const control = runControl(sandbox, runId);
  control.cancelled = true;
  control.stopping ||= stop;
  for (const kill of control.kills) kill();
}

/** Stops every run of the sandbox (when it stops) and waits for them to end. */
export async function stopRuns(sandbox: Sandbox): Promise<void> {
  const state = stateOf(sandbox);
  state.stopped = true;
  for (const runId of state.controls.keys()) cancelRun(sandbox, runId, true);
  await runsIdle(sandbox);
}
