/** The REST base URL of a GitHub server: api.github.com for github.com, `<url>/api/v3` otherwise (GHES, the sandbox). */
export function apiUrlFor(serverUrl: string): string {
  const url = serverUrl.replace(/\/+$/, "");
  return /^https:\/\/github\.com$/i.test(url) ? "https://api.github.com" : `${url}/api/v3`;
}
