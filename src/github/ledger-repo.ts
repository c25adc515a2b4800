import { z } from "zod";
import { LedgerRecord, ledgerRecordPath } from "../core/ledger/ledger-record.ts";
import { createFileOnce, listFolder, readText } from "./contents.ts";
import { statusOf, type GitHub } from "./rest.ts";

/** The ledger repository of an org: entries, errors and claims, each file written once. */
export interface LedgerRepo {
  owner: string;
  repo: string;
}

const Claim = z.object({
  task_id: z.string(),
  agent: z.string(),
  claimed_at: z.string(),
  /** Where the claim was made: the `/claim` comment, or the first pull request. */
  source: z.string(),
});
export type Claim = z.infer<typeof Claim>;

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Records a decided attempt, once: when an entry for (task, agent, attempt) exists already
 * (a redelivery, a race, a second grading) nothing is written and the existing one is returned.
 */
export async function recordAttempt(
  github: GitHub,
  ledger: LedgerRepo,
  record: LedgerRecord,
): Promise<{ created: boolean; record: LedgerRecord }> {
  const path = ledgerRecordPath(record);
  const message = `${record.verdict === "pass" ? "Pay" : "Record"} ${record.agent} on ${record.task_id} attempt ${record.attempt}`;
  const outcome = await createFileOnce(github, { ...ledger, path }, json(record), message);
  if (outcome === "created") return { created: true, record };
  const existing = await readAttempt(github, ledger, record);
  if (!existing)
    throw new Error(`${ledger.owner}/${ledger.repo}:${path} exists but cannot be read`);
  return { created: false, record: existing };
}

/** The decided entry of an attempt, if there is one. */
export async function readAttempt(
  github: GitHub,
  ledger: LedgerRepo,
  key: Pick<LedgerRecord, "task_id" | "agent" | "attempt">,
): Promise<LedgerRecord | undefined> {
  const path = `entries/${key.task_id}/${key.agent}/${key.attempt}.json`;
  const file = await readText(github, { ...ledger, path });
  if (!file) return undefined;
  const parsed = LedgerRecord.safeParse(JSON.parse(file.text));
  if (!parsed.success)
    throw new Error(`${ledger.owner}/${ledger.repo}:${path}: not a ledger entry`);
  return parsed.data;
}

/**
 * Changes a recorded attempt (`change` answers undefined for no change), with the file's blob
 * sha as the guard: a concurrent write makes GitHub refuse this one (409), and the change is
 * worked out again from what was written. So two deliveries of one review cannot both pay.
 * Undefined when the attempt is not recorded (yet); else the record as it now stands.
 */
export async function updateAttempt(
  github: GitHub,
  ledger: LedgerRepo,
  key: Pick<LedgerRecord, "task_id" | "agent" | "attempt">,
  change: (record: LedgerRecord) => LedgerRecord | undefined,
  message: string,
): Promise<{ record: LedgerRecord; changed: boolean } | undefined> {
  const path = `entries/${key.task_id}/${key.agent}/${key.attempt}.json`;
  for (let attempt = 1; ; attempt += 1) {
    const file = await readText(github, { ...ledger, path });
    if (!file) return undefined;
    const parsed = LedgerRecord.safeParse(JSON.parse(file.text));
    if (!parsed.success)
      throw new Error(`${ledger.owner}/${ledger.repo}:${path}: not a ledger entry`);
    const next = change(parsed.data);
    if (!next) return { record: parsed.data, changed: false };
    try {
      await github.request("PUT /repos/{owner}/{repo}/contents/{path}", {
        ...ledger,
        path,
        message,
        sha: file.sha,
        content: Buffer.from(json(LedgerRecord.parse(next)), "utf8").toString("base64"),
      });
      return { record: next, changed: true };
    } catch (error) {
      const status = statusOf(error);
      if ((status === 409 || status === 422) && attempt < 5) continue;
      throw error;
    }
  }
}

/**
 * Records a grading that ended in error, once per grading run; returns how many errored
 * gradings this attempt has had so far (this one included) and whether this one is new.
 */
export async function recordGradingError(
  github: GitHub,
  ledger: LedgerRepo,
  record: LedgerRecord,
  gradingRun: number,
): Promise<{ created: boolean; errors: number }> {
  const path = ledgerRecordPath(record, gradingRun);
  const message = `Grading error for ${record.agent} on ${record.task_id} attempt ${record.attempt}`;
  const outcome = await createFileOnce(github, { ...ledger, path }, json(record), message);
  const folder = path.slice(0, path.lastIndexOf("/"));
  const errors = (await listFolder(github, { ...ledger, path: folder })).length;
  return { created: outcome === "created", errors };
}

function claimPath(taskId: string, agent: string): string {
  return `claims/${taskId}/${agent}.json`;
}

/** Starts an agent's clock on a task, once; returns the claim in force (the first one). */
export async function claimTask(github: GitHub, ledger: LedgerRepo, claim: Claim): Promise<Claim> {
  const path = claimPath(claim.task_id, claim.agent);
  const message = `${claim.agent} claims ${claim.task_id}`;
  const outcome = await createFileOnce(github, { ...ledger, path }, json(claim), message);
  if (outcome === "created") return claim;
  return (await readClaim(github, ledger, claim.task_id, claim.agent)) ?? claim;
}

export async function readClaim(
  github: GitHub,
  ledger: LedgerRepo,
  taskId: string,
  agent: string,
): Promise<Claim | undefined> {
  const file = await readText(github, { ...ledger, path: claimPath(taskId, agent) });
  if (!file) return undefined;
  const parsed = Claim.safeParse(JSON.parse(file.text));
  return parsed.success ? parsed.data : undefined;
}

/** Every claim on a task, oldest first. */
export async function listClaims(
  github: GitHub,
  ledger: LedgerRepo,
  taskId: string,
): Promise<Claim[]> {
  const names = await listFolder(github, { ...ledger, path: `claims/${taskId}` });
  const claims = await Promise.all(
    names
      .filter((name) => name.endsWith(".json"))
      .map((name) => readClaim(github, ledger, taskId, name.slice(0, -".json".length))),
  );
  return claims
    .filter((c): c is Claim => c !== undefined)
    .sort((a, b) => a.claimed_at.localeCompare(b.claimed_at));
}
