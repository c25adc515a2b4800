import type {
  App,
  CheckRun,
  CheckSuite,
  HookDelivery,
  Installation,
  Issue,
  IssueComment,
  Label,
  Org,
  PullRequest,
  Reaction,
  Repo,
  Review,
  TokenRecord,
  User,
  Workflow,
  WorkflowJob,
  WorkflowRun,
} from "./model.ts";

/**
 * Everything the sandbox knows, in memory. One id sequence for all objects (GitHub's ids are
 * unique per type; one sequence keeps them unique across types too, which helps debugging).
 */
export class Store {
  #nextId = 1000;
  readonly users = new Map<number, User>();
  readonly orgs = new Map<number, Org>();
  readonly repos = new Map<number, Repo>();
  readonly apps = new Map<number, App>();
  readonly installations = new Map<number, Installation>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly labels = new Map<number, Label>();
  readonly issues = new Map<number, Issue>();
  readonly comments = new Map<number, IssueComment>();
  readonly reactions = new Map<number, Reaction>();
  readonly pulls = new Map<number, PullRequest>();
  readonly reviews = new Map<number, Review>();
  readonly checkSuites = new Map<number, CheckSuite>();
  readonly checkRuns = new Map<number, CheckRun>();
  readonly workflows = new Map<number, Workflow>();
  readonly workflowRuns = new Map<number, WorkflowRun>();
  readonly workflowJobs = new Map<number, WorkflowJob>();
  readonly deliveries = new Map<number, HookDelivery>();

  /** `owner/name` (lower case) → repository id; kept by putRepo and removeRepo. */
  readonly #repoIndex = new Map<string, number>();
  /** `repoId#number` → issue id and pull request id. */
  readonly #issueIndex = new Map<string, number>();
  readonly #pullIndex = new Map<string, number>();

  nextId(): number {
    return this.#nextId++;
  }

  /** Adds or updates a repository (also after a rename). */
  putRepo(repo: Repo): void {
    for (const [key, id] of this.#repoIndex) if (id === repo.id) this.#repoIndex.delete(key);
    this.repos.set(repo.id, repo);
    this.#repoIndex.set(`${this.ownerLogin(repo)}/${repo.name}`.toLowerCase(), repo.id);
  }

  removeRepo(repo: Repo): void {
    this.repos.delete(repo.id);
    this.#repoIndex.delete(`${this.ownerLogin(repo)}/${repo.name}`.toLowerCase());
  }

  putIssue(issue: Issue): void {
    this.issues.set(issue.id, issue);
    this.#issueIndex.set(`${issue.repoId}#${issue.number}`, issue.id);
  }

  putPull(pull: PullRequest): void {
    this.pulls.set(pull.id, pull);
    this.#pullIndex.set(`${pull.repoId}#${pull.number}`, pull.id);
  }

  userByLogin(login: string): User | undefined {
    const lower = login.toLowerCase();
    for (const user of this.users.values()) if (user.login.toLowerCase() === lower) return user;
    return undefined;
  }

  orgByLogin(login: string): Org | undefined {
    const lower = login.toLowerCase();
    for (const org of this.orgs.values()) if (org.login.toLowerCase() === lower) return org;
    return undefined;
  }

  /** The login of a repository's owner (an org or a user). */
  ownerLogin(repo: Repo): string {
    return (this.orgs.get(repo.ownerId) ?? this.users.get(repo.ownerId))!.login;
  }

  repoByName(owner: string, name: string): Repo | undefined {
    const id = this.#repoIndex.get(`${owner}/${name}`.toLowerCase());
    return id === undefined ? undefined : this.repos.get(id);
  }

  issueByNumber(repoId: number, number: number): Issue | undefined {
    const id = this.#issueIndex.get(`${repoId}#${number}`);
    return id === undefined ? undefined : this.issues.get(id);
  }

  pullByNumber(repoId: number, number: number): PullRequest | undefined {
    const id = this.#pullIndex.get(`${repoId}#${number}`);
    return id === undefined ? undefined : this.pulls.get(id);
  }
}

/** GitHub's timestamps: ISO 8601 in UTC without milliseconds. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
