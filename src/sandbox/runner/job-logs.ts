import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { WorkflowJob } from "../state/model.ts";

/** The key that signs log download URLs, new for every sandbox process. */
const KEY = randomBytes(32);

/** How long a signed log URL works (GitHub's last about a minute too). */
const LIFETIME_SECONDS = 60;

function signature(jobId: number, expires: number): string {
  return createHmac("sha256", KEY).update(`${jobId}:${expires}`).digest("hex");
}

/** The query of a signed log URL for a job: `expires` and `signature`. */
export function signLogUrl(jobId: number, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + LIFETIME_SECONDS;
  return `expires=${expires}&signature=${signature(jobId, expires)}`;
}

/** Whether a log URL's `expires` and `signature` are valid for the job and not expired. */
export function logUrlValid(jobId: number, expiresText: string, given: string): boolean {
  const expires = Number(expiresText);
  if (!Number.isSafeInteger(expires) || expires * 1000 < Date.now()) return false;
  const expected = Buffer.from(signature(jobId, expires));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A job's log as GitHub serves it: each step's lines, the step's group around them. */
export function jobLogText(job: WorkflowJob): string {
  return job.steps.map((step) => step.log).join("");
}
