import { createAppAuth } from "@octokit/auth-app";
import { request } from "@octokit/request";

export interface MintOptions {
  /** REST base URL, e.g. https://api.github.com or <sandbox>/api/v3. */
  apiUrl: string;
  appId: number;
  privateKey: string;
  /** owner/name: the token is limited to this repository. */
  repository: string;
  /** The least the caller needs, e.g. { checks: "write" }. */
  permissions: Record<string, "read" | "write">;
  /** The installation, when the caller knows it (saves a request). */
  installationId?: number | undefined;
}

/**
 * Mints a short-lived installation token of a GitHub App, limited to one repository and the
 * permissions asked for (GitHub refuses permissions the installation does not have).
 */
export async function mintInstallationToken(
  options: MintOptions,
): Promise<{ token: string; expiresAt: string }> {
  const repo = options.repository.split("/")[1]!;
  const auth = createAppAuth({
    appId: options.appId,
    privateKey: options.privateKey,
    request: request.defaults({ baseUrl: options.apiUrl }),
  });
  const installationId = options.installationId ?? (await findInstallation(options, auth));
  const minted = await auth({
    type: "installation",
    installationId,
    repositoryNames: [repo],
    permissions: options.permissions,
  });
  return { token: minted.token, expiresAt: minted.expiresAt };
}

async function findInstallation(
  options: MintOptions,
  auth: ReturnType<typeof createAppAuth>,
): Promise<number> {
  const [owner, repo] = options.repository.split("/") as [string, string];
  const { token: jwt } = await auth({ type: "app" });
  const installation = await request("GET /repos/{owner}/{repo}/installation", {
    baseUrl: options.apiUrl,
    owner,
    repo,
    headers: { authorization: `bearer ${jwt}` },
  }).catch((error: Error & { status?: number }) => {
    throw new Error(
      error.status === 404
        ? `the app ${options.appId} is not installed on ${options.repository}`
        : `cannot find the app's installation on ${options.repository}: ${error.message}`,
    );
  });
  return installation.data.id;
}
