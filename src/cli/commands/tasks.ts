import type { Command } from "commander";
import { formatCents } from "../../core/money.ts";
import { gradability, loadBank } from "../../core/task/bank.ts";
import { printJson, type Output } from "../output.ts";

export function registerTasks(program: Command, output: Output): void {
  program
    .command("tasks")
    .description(
      "list the tasks of a bank: id, kind, price, title, and whether they can be graded here",
    )
    .argument("<bank>", "bank folder")
    .option("--json", "print JSON")
    .action(async (bankDir: string, options: { json?: boolean }) => {
      const bank = await loadBank(bankDir);
      const rows = bank.map(({ task }) => {
        const g = gradability(task);
        return {
          id: task.id,
          kind: task.kind,
          price_cents: task.price_cents,
          title: task.title,
          gradable: g.gradable,
          ...(g.gradable ? {} : { not_gradable_reason: g.reason }),
        };
      });
      if (options.json) {
        printJson(output, {
          tasks: rows,
          count: rows.length,
          total_cents: rows.reduce((sum, r) => sum + r.price_cents, 0),
        });
        return;
      }
      const idWidth = Math.max(2, ...rows.map((r) => r.id.length));
      output.result(`${"id".padEnd(idWidth)}  kind     ${"price".padStart(9)}  here  title`);
      for (const r of rows) {
        const title = r.title.length > 70 ? `${r.title.slice(0, 69)}…` : r.title;
        output.result(
          `${r.id.padEnd(idWidth)}  ${r.kind.padEnd(7)}  ${formatCents(r.price_cents).padStart(9)}  ${r.gradable ? "yes " : "no  "}  ${title}`,
        );
      }
      const total = rows.reduce((sum, r) => sum + r.price_cents, 0);
      output.info(`${rows.length} tasks, ${formatCents(total)} in all`);
    });
}
