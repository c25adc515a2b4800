import type { Sandbox } from "../sandbox.ts";
import type { Repo, Workflow } from "../state/model.ts";
import { timestamp } from "../state/store.ts";

/** The app whose check suites hold the runs' jobs (the sandbox has no separate GitHub Actions app). */
export function checksAppId(sandbox: Sandbox): number {
  return [...sandbox.store.apps.values()][0]!.id;
}

/** The workflow record of a file, created on first sight and renamed with the file's `name:`. */
export function workflowRecord(sandbox: Sandbox, repo: Repo, path: string, name: string): Workflow {
  const { store } = sandbox;
  const now = timestamp();
  for (const wf of store.workflows.values()) {
    if (wf.repoId !== repo.id || wf.path !== path) continue;
    if (wf.name !== name) {
      wf.name = name;
      wf.updatedAt = now;
    }
    return wf;
  }
  const wf: Workflow = {
    id: store.nextId(),
    repoId: repo.id,
    path,
    name,
    state: "active",
    createdAt: now,
    updatedAt: now,
  };
  store.workflows.set(wf.id, wf);
  return wf;
}
