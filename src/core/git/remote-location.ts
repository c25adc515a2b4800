/** Whether a repository location is a remote (`https://…`, `ssh://…`, `git@host:path`), not a folder. */
export function isRemoteLocation(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) || /^[^/@]+@[^/:]+:/.test(location);
}
