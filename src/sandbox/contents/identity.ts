import { actingUserId } from "../auth/permissions.ts";
import { ApiError } from "../http/api-error.ts";
import { field } from "../http/body.ts";
import type { RequestContext } from "../http/context.ts";
import type { User } from "../state/model.ts";
import { timestamp } from "../state/store.ts";
import type { Signature } from "./commit-write.ts";

/** The address GitHub gives a user without a public email. */
export function noreplyEmail(user: User): string {
  return `${user.id}+${user.login}@users.noreply.github.com`;
}

/** A user's git identity: their name (or login) and email (or no-reply address). */
export function userSignature(user: User, date: string): Signature {
  return { name: user.name ?? user.login, email: user.email ?? noreplyEmail(user), date };
}

function invalid(message: string): ApiError {
  return new ApiError(422, `Invalid request.\n\n${message}`);
}

function readPerson(
  body: Record<string, unknown>,
  key: "author" | "committer",
  now: string,
): Signature | undefined {
  const value = field<Record<string, unknown>>(body, key, "object", { resource: "Commit" });
  if (value === undefined) return undefined;
  const name = value.name;
  const email = value.email;
  const date = value.date;
  if (name === undefined) throw invalid(`"name" wasn't supplied.`);
  if (email === undefined) throw invalid(`"email" wasn't supplied.`);
  if (typeof name !== "string" || name.replace(/[<>\n]/g, "").trim() === "")
    throw invalid(`For 'properties/name', ${JSON.stringify(name)} is not a valid name.`);
  if (typeof email !== "string" || /[<>\n]/.test(email))
    throw invalid(`For 'properties/email', ${JSON.stringify(email)} is not a valid email.`);
  if (date !== undefined && (typeof date !== "string" || Number.isNaN(Date.parse(date))))
    throw invalid(`For 'properties/date', ${JSON.stringify(date)} is not a valid date.`);
  return { name, email, date: typeof date === "string" ? date : now };
}

/**
 * The author and committer of a commit made through the API, as GitHub picks them: the
 * `committer` given or the authenticated user; the `author` given, or else the committer.
 */
export function commitSignatures(
  context: RequestContext,
  body: Record<string, unknown>,
): { author: Signature; committer: Signature } {
  const now = timestamp();
  const givenCommitter = readPerson(body, "committer", now);
  const givenAuthor = readPerson(body, "author", now);
  const user = context.sandbox.store.users.get(actingUserId(context))!;
  const committer = givenCommitter ?? userSignature(user, now);
  return { author: givenAuthor ?? committer, committer };
}
