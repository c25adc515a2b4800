import type { RefUpdate } from "../git/refs.ts";
import type { Sandbox } from "../sandbox.ts";
import type { Principal, Repo } from "../state/model.ts";

/** After a push: the `push` webhook for each changed ref, workflows on `push`, PR head updates. */
export async function onPush(
  sandbox: Sandbox,
  repo: Repo,
  updates: RefUpdate[],
  principal: Principal,
): Promise<void> {
  void sandbox;
  void repo;
  void updates;
  void principal;
}
