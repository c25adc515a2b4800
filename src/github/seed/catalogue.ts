import { Catalogue, type CatalogueTask } from "../../core/ledger/ledger-record.ts";
import { SeedError } from "./seed-error.ts";

/**
 * `tasks.json` of the ledger repository: the tasks already listed, with the seeded ones added
 * or brought up to date, sorted by id. Stable text (fixed key order, 2-space indent, final
 * newline) so that seeding the same tasks again writes nothing.
 */
export function mergeCatalogue(
  org: string,
  existingText: string | undefined,
  seeded: readonly CatalogueTask[],
  where: string,
): string {
  const byId = new Map<string, CatalogueTask>();
  if (existingText !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(existingText);
    } catch (error) {
      throw new SeedError(
        `${where}: not valid JSON (${(error as Error).message}); fix or remove it`,
      );
    }
    const parsed = Catalogue.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SeedError(
        `${where}: not a task catalogue: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
    }
    for (const task of parsed.data.tasks) byId.set(task.id, task);
  }
  for (const task of seeded) byId.set(task.id, task);
  const tasks = [...byId.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((t) => ({
      id: t.id,
      kind: t.kind,
      price_cents: t.price_cents,
      ...(t.title === undefined ? {} : { title: t.title }),
      ...(t.repository === undefined ? {} : { repository: t.repository }),
      ...(t.issue_number === undefined ? {} : { issue_number: t.issue_number }),
    }));
  const catalogue: Catalogue = { schema: 1, org, tasks };
  return `${JSON.stringify(catalogue, null, 2)}\n`;
}
