import { createPublicKey, verify } from "node:crypto";

/** GitHub refuses app JWTs that live longer than ten minutes. */
const MAX_JWT_LIFETIME_SECONDS = 10 * 60;
/** Clock drift GitHub tolerates on `iat`. */
const CLOCK_DRIFT_SECONDS = 60;

export class JwtError extends Error {
  override name = "JwtError";
}

function decodePart(part: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new JwtError("malformed JWT");
  }
}

/** The `iss` claim of a JWT, without verifying it, to find which app's key to check with. */
export function jwtIssuer(token: string): string | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const iss = decodePart(parts[1]!).iss;
  return typeof iss === "string" || typeof iss === "number" ? String(iss) : undefined;
}

/** Verifies an app's RS256 JWT against its public key and GitHub's time rules. */
export function verifyAppJwt(
  token: string,
  publicKeyPem: string,
  now = Math.floor(Date.now() / 1000),
): void {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) throw new JwtError("malformed JWT");
  if (decodePart(header).alg !== "RS256") throw new JwtError("'alg' must be RS256");
  const ok = verify(
    "RSA-SHA256",
    Buffer.from(`${header}.${payload}`),
    createPublicKey(publicKeyPem),
    Buffer.from(signature, "base64url"),
  );
  if (!ok) throw new JwtError("A JSON web token could not be decoded");
  const claims = decodePart(payload);
  const { iat, exp } = claims;
  if (typeof iat !== "number" || typeof exp !== "number")
    throw new JwtError("'iat' and 'exp' are required");
  if (iat > now + CLOCK_DRIFT_SECONDS)
    throw new JwtError(
      "'Issued at' claim ('iat') must be an Integer representing a time in the past.",
    );
  if (exp <= now)
    throw new JwtError(
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    );
  if (exp - iat > MAX_JWT_LIFETIME_SECONDS + CLOCK_DRIFT_SECONDS)
    throw new JwtError("'Expiration time' claim ('exp') is too far in the future");
}
