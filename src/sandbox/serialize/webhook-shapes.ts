import type { Sandbox } from "../sandbox.ts";
import type { Repo } from "../state/model.ts";
import { repository } from "./repository.ts";
import { simpleUser } from "./user.ts";

/** Seconds since the epoch, as push payloads give repository dates. */
function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/**
 * The `repository` of webhook payloads: the REST repository without the REST-only counters,
 * with `custom_properties` and the org as its login. With
 * `push`, the shape of `push` events: unix-time `created_at` and `pushed_at`, `stargazers`
 * and `master_branch`.
 */
export function webhookRepository(
  sandbox: Sandbox,
  repo: Repo,
  options: { push?: boolean } = {},
): Record<string, unknown> {
  const {
    network_count: _network,
    subscribers_count: _subscribers,
    organization: _organization,
    permissions: _permissions,
    owner: _owner,
    ...rest
  } = repository(sandbox, repo);
  const org = sandbox.store.orgs.get(repo.ownerId);
  const owner = org ?? sandbox.store.users.get(repo.ownerId)!;
  return {
    ...rest,
    owner: simpleUser(sandbox, owner),
    custom_properties: {},
    ...(org ? { organization: org.login } : {}),
    ...(options.push
      ? {
          created_at: unixSeconds(repo.createdAt),
          pushed_at: unixSeconds(repo.pushedAt ?? repo.createdAt),
          stargazers: 0,
          master_branch: repo.defaultBranch,
        }
      : {}),
  };
}
