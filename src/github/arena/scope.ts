import type { Catalogue } from "../../core/ledger/ledger-record.ts";
import type { TaskFile } from "../../core/task/schema.ts";
import type { LancerConfig } from "../lancer-config.ts";
import type { LedgerRepo } from "../ledger-repo.ts";
import type { GitHub } from "../rest.ts";

/** Log lines a handler leaves (Probot's logger fits). */
export interface ArenaLog {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * Everything the arena's GitHub logic needs for one org, built by the app for each event:
 * an installation client, where the grader and ledger live, the configuration in force and
 * who the app is (to trust only its own check runs and comments).
 */
export interface ArenaScope {
  github: GitHub;
  org: string;
  /** The private grader repository and its default branch (where its workflow runs from). */
  grader: { owner: string; repo: string; ref: string };
  ledger: LedgerRepo;
  config: LancerConfig;
  app: { id: number; botLogin: string };
  /** The app's installation on this org (the grader workflow mints tokens with it). */
  installationId: number;
  /** Web root for git (`https://github.com`, or the sandbox's). */
  serverUrl: string;
  /** The app's clock: when a grading is decided, compared with the deadline. */
  now(): Date;
  /** The ledger repository's `tasks.json` (briefly cached), or undefined when unreadable. */
  catalogue(): Promise<Catalogue | undefined>;
  /** A task as the grader repository holds it (briefly cached), or undefined. */
  readTask(taskId: string): Promise<TaskFile | undefined>;
  /** An installation token for git over HTTP (leaderboard publishing). */
  gitToken(): Promise<string>;
  log: ArenaLog;
}

/** The attempts a task allows: the org's setting, else the task's own rule. */
export function maxAttemptsOf(scope: ArenaScope, task: TaskFile): number {
  return scope.config.attempts ?? task.rules.attempts;
}

/** Hours from the task issue's creation to the deadline, if there is a deadline. */
export function deadlineHoursOf(scope: ArenaScope, task: TaskFile): number | undefined {
  return scope.config.deadline_hours ?? task.rules.deadline_hours;
}

/** When a clock started at `startedAt` runs out after `hours`. */
export function deadlineOf(startedAt: string, hours: number): Date {
  return new Date(Date.parse(startedAt) + hours * 3_600_000);
}

export function isAgent(scope: ArenaScope, login: string): boolean {
  return scope.config.agents.includes(login);
}

/** A repository of the org that is not one of Lancer's own (grader, ledger). */
export function isMirrorCandidate(scope: ArenaScope, owner: string, repo: string): boolean {
  return owner === scope.org && repo !== scope.grader.repo && repo !== scope.ledger.repo;
}
