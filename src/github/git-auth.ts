/**
 * Environment that makes git send a token to one server, without the token appearing in a
 * URL, a command line, a config file or an error message: git reads `http.<url>.extraHeader`
 * from GIT_CONFIG_* variables, which only the git process and its children see.
 */
export function gitAuthEnv(serverUrl: string, token: string): Record<string, string> {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  return {
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: `http.${serverUrl.replace(/\/+$/, "")}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
  };
}

/** The HTTPS clone URL of a repository on a GitHub server (github.com, GHES or the sandbox). */
export function cloneUrl(serverUrl: string, owner: string, repo: string): string {
  return `${serverUrl.replace(/\/+$/, "")}/${owner}/${repo}.git`;
}

/** Removes a token from text that may quote it (git and HTTP error messages). */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(secret).join("***");
    const basic = Buffer.from(`x-access-token:${secret}`).toString("base64");
    out = out.split(basic).join("***");
  }
  return out;
}

/** Git's environment for a commit Lancer makes (a mirror, the grader, the ledger) at `date`. */
export function lancerCommitEnv(date: string): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: "Lancer",
    GIT_AUTHOR_EMAIL: "lancer@users.noreply.github.com",
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: "Lancer",
    GIT_COMMITTER_EMAIL: "lancer@users.noreply.github.com",
    GIT_COMMITTER_DATE: date,
  };
}
