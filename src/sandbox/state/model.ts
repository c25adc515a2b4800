/** What the sandbox holds. Plain data: serializers turn it into GitHub's shapes. */

export type Role = "admin" | "maintain" | "write" | "triage" | "read";
export type Access = "read" | "write" | "admin";

export interface User {
  id: number;
  login: string;
  type: "User" | "Bot" | "Organization";
  siteAdmin: boolean;
  name: string | null;
  email: string | null;
  createdAt: string;
}

export interface Org {
  id: number;
  login: string;
  description: string | null;
  createdAt: string;
  /** Member user ids with their org role. */
  members: Map<number, "admin" | "member">;
}

export interface Repo {
  id: number;
  name: string;
  ownerId: number;
  private: boolean;
  description: string | null;
  homepage: string | null;
  defaultBranch: string;
  hasIssues: boolean;
  hasProjects: boolean;
  hasWiki: boolean;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  pushedAt: string | null;
  /** Bare repository on disk. */
  gitDir: string;
  /** Collaborators and their roles (org admins are admins of every repo). */
  collaborators: Map<number, Role>;
  /** Next number for an issue or pull request (they share the sequence, as on GitHub). */
  nextNumber: number;
}

/** Permissions as GitHub Apps and workflow tokens carry them: `{ contents: "write", ... }`. */
export type PermissionSet = Record<string, "read" | "write" | "admin">;

export interface App {
  id: number;
  slug: string;
  name: string;
  ownerId: number;
  clientId: string;
  /** PEM public key that verifies the app's JWTs. */
  publicKeyPem: string;
  privateKeyPath: string;
  webhookSecret: string;
  webhookUrl: string | null;
  permissions: PermissionSet;
  events: string[];
  /** The app's bot user, author of what its installation tokens create. */
  botUserId: number;
  createdAt: string;
}

export interface Installation {
  id: number;
  appId: number;
  accountId: number;
  permissions: PermissionSet;
  events: string[];
  /** "all" or the ids of the selected repositories. */
  repositories: "all" | number[];
  createdAt: string;
}

export type Principal =
  | { kind: "anonymous" }
  | {
      kind: "user";
      userId: number;
      token: string;
      /** Classic token scopes; `workflow` lets pushes change `.github/workflows/`. */
      scopes: string[];
    }
  | { kind: "app"; appId: number }
  | {
      kind: "installation";
      installationId: number;
      token: string;
      permissions: PermissionSet;
      repositoryIds: "all" | number[];
    }
  | {
      /** A workflow run's GITHUB_TOKEN: one repository, the permissions of the workflow. */
      kind: "workflow";
      token: string;
      repoId: number;
      permissions: PermissionSet;
      botUserId: number;
    };

export interface TokenRecord {
  token: string;
  principal: Principal;
  expiresAt: string | null;
}

export interface Label {
  id: number;
  repoId: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface Issue {
  id: number;
  repoId: number;
  number: number;
  title: string;
  body: string | null;
  userId: number;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | "duplicate" | null;
  locked: boolean;
  labelIds: number[];
  assigneeIds: number[];
  comments: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedById: number | null;
  /** Set when this issue is the conversation of a pull request. */
  pullRequestId: number | null;
}

export interface IssueComment {
  id: number;
  repoId: number;
  issueNumber: number;
  userId: number;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface Reaction {
  id: number;
  userId: number;
  content: "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";
  /** What was reacted to. */
  subject:
    { kind: "issue"; repoId: number; number: number } | { kind: "comment"; commentId: number };
  createdAt: string;
}

export interface PullRequest {
  id: number;
  repoId: number;
  number: number;
  /** The issue that carries the title, body, labels and comments. */
  issueId: number;
  headRef: string;
  headSha: string;
  /** Repository of the head branch (same repository for now). */
  headRepoId: number;
  baseRef: string;
  baseSha: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedById: number | null;
  mergeCommitSha: string | null;
  maintainerCanModify: boolean;
}

export interface Review {
  id: number;
  repoId: number;
  pullNumber: number;
  userId: number;
  body: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "PENDING" | "DISMISSED";
  commitId: string;
  submittedAt: string | null;
}

export interface CheckSuite {
  id: number;
  repoId: number;
  headSha: string;
  headBranch: string | null;
  appId: number | null;
  status: "queued" | "in_progress" | "completed";
  conclusion: CheckConclusion | null;
  createdAt: string;
  updatedAt: string;
}

export type CheckConclusion =
  | "success"
  | "failure"
  | "neutral"
  | "cancelled"
  | "skipped"
  | "timed_out"
  | "action_required"
  | "stale";

export interface CheckRun {
  id: number;
  repoId: number;
  checkSuiteId: number;
  appId: number | null;
  name: string;
  headSha: string;
  externalId: string | null;
  detailsUrl: string | null;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: CheckConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
  output: {
    title: string | null;
    summary: string | null;
    text: string | null;
    annotations: CheckAnnotation[];
    /** Images of the output (`output.images`), kept as given. */
    images?: CheckImage[];
  };
  /** Buttons the app offers (`actions`), at most three. */
  actions?: CheckRunAction[];
}

/** One annotation of a check run's output, as the Checks API takes and answers it. */
export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine: number;
  startColumn: number | null;
  endColumn: number | null;
  level: "notice" | "warning" | "failure";
  message: string;
  title: string | null;
  rawDetails: string | null;
}

/** An image of a check run's output. */
export interface CheckImage {
  alt: string;
  imageUrl: string;
  caption: string | null;
}

/** A button a check run offers (`actions`); clicking it sends `check_run.requested_action`. */
export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface Workflow {
  id: number;
  repoId: number;
  path: string;
  name: string;
  state: "active" | "disabled_manually";
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowRun {
  id: number;
  repoId: number;
  workflowId: number;
  name: string;
  runNumber: number;
  runAttempt: number;
  event: string;
  headBranch: string | null;
  headSha: string;
  actorId: number;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "cancelled" | "skipped" | null;
  inputs: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  runStartedAt: string | null;
  checkSuiteId: number;
  /** The run's title: `run-name`, else the head commit's first line, the PR title or the workflow name. */
  displayTitle?: string;
  /** The full ref the run was started for (`refs/heads/main`, `refs/pull/1/merge`). */
  ref?: string;
  /** Who started the latest attempt (the actor, or whoever re-ran it). */
  triggeringActorId?: number;
  /** Why the run failed before any job could start (an invalid workflow file). */
  errors?: string[];
  /** How earlier attempts ended, oldest first (a re-run starts a new attempt). */
  previousAttempts?: Array<Omit<WorkflowRun, "previousAttempts">>;
  /** The head commit, read when the run was created. */
  headCommit?: {
    sha: string;
    treeSha: string;
    message: string;
    timestamp: string;
    author: { name: string; email: string };
    committer: { name: string; email: string };
  } | null;
}

export interface WorkflowStep {
  number: number;
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "skipped" | "cancelled" | null;
  startedAt: string | null;
  completedAt: string | null;
  log: string;
}

export interface WorkflowJob {
  id: number;
  runId: number;
  repoId: number;
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "skipped" | "cancelled" | null;
  startedAt: string;
  completedAt: string | null;
  steps: WorkflowStep[];
  checkRunId: number;
  headSha: string;
  /** The run attempt this job belongs to (1 unless the run was re-run). */
  runAttempt?: number;
  /** `runs-on` labels. */
  labels?: string[];
  createdAt?: string;
  /** The job's `outputs:` once it completed. */
  outputs?: Record<string, string>;
  /** Markdown the job's steps wrote to GITHUB_STEP_SUMMARY. */
  summary?: string;
  /** `::error::`, `::warning::` and `::notice::` annotations of the job's steps. */
  annotations?: Array<{
    level: "error" | "warning" | "notice";
    message: string;
    title?: string;
    file?: string;
    line?: number;
  }>;
}

export interface HookDelivery {
  id: number;
  guid: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  deliveredAt: string;
  redelivery: boolean;
  status: string;
  statusCode: number;
  durationSeconds: number;
  url: string;
  request: { headers: Record<string, string>; payload: unknown };
  response: { headers: Record<string, string>; payload: string | null };
}
