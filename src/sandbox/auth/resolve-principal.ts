import type { IncomingHttpHeaders } from "node:http";
import { ApiError, badCredentials } from "../http/api-error.ts";
import type { Principal } from "../state/model.ts";
import type { Store } from "../state/store.ts";
import { jwtIssuer, JwtError, verifyAppJwt } from "./jwt.ts";

/** The credential of a request: `Authorization: token|Bearer X`, or HTTP Basic (git clients). */
export function credentialOf(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (/^(token|bearer)$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    // git sends user:password; GitHub takes the token from the password (x-access-token:<token>).
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon === -1 ? decoded : decoded.slice(colon + 1) || decoded.slice(0, colon);
  }
  return undefined;
}

/** Who is asking: anonymous, a user, an app (JWT), an installation or a workflow run. 401 on a bad credential. */
export function resolvePrincipal(store: Store, headers: IncomingHttpHeaders): Principal {
  const credential = credentialOf(headers);
  if (credential === undefined) return { kind: "anonymous" };
  if (credential.split(".").length === 3) {
    const issuer = jwtIssuer(credential);
    const app = [...store.apps.values()].find(
      (a) => String(a.id) === issuer || a.clientId === issuer,
    );
    if (!app) throw new ApiError(401, "'Issuer' claim ('iss') must be an Integer");
    try {
      verifyAppJwt(credential, app.publicKeyPem);
    } catch (error) {
      if (error instanceof JwtError) throw new ApiError(401, error.message);
      throw error;
    }
    return { kind: "app", appId: app.id };
  }
  const record = store.tokens.get(credential);
  if (!record) throw badCredentials();
  if (record.expiresAt !== null && Date.parse(record.expiresAt) <= Date.now())
    throw badCredentials();
  return record.principal;
}

/** What rate limits count against: the credential, or one shared bucket for anonymous callers. */
export function rateLimitKey(headers: IncomingHttpHeaders): string {
  return credentialOf(headers) ?? "anonymous";
}
