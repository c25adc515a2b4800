import { randomBytes } from "node:crypto";
import type { Principal } from "../state/model.ts";
import type { Store } from "../state/store.ts";
import { timestamp } from "../state/store.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A token in GitHub's format: a prefix (`ghp_`, `ghs_`) and 36 random letters and digits. */
export function newToken(prefix: "ghp_" | "ghs_"): string {
  const bytes = randomBytes(36);
  return prefix + [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

/** Installation tokens live an hour, as on GitHub. */
export const INSTALLATION_TOKEN_SECONDS = 3600;

/** Records a token for a principal and returns it. */
export function issueToken(
  store: Store,
  principal: Principal & { token: string },
  lifetimeSeconds: number | null,
): { token: string; expiresAt: string | null } {
  const expiresAt =
    lifetimeSeconds === null ? null : timestamp(new Date(Date.now() + lifetimeSeconds * 1000));
  store.tokens.set(principal.token, { token: principal.token, principal, expiresAt });
  return { token: principal.token, expiresAt };
}
