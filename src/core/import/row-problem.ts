/** A bad input row: where it is, which task it was, and each field that was wrong. */
export interface RowProblem {
  /** 1-based line of the input file where the row starts. */
  line: number;
  id?: string;
  problems: Array<{ field: string; message: string }>;
}

/** `file:12 (id 15193-manager-0): manager_data: expected …` lines, one per field problem. */
export function describeRowProblems(file: string, rows: readonly RowProblem[]): string {
  return rows
    .flatMap((row) =>
      row.problems.map(
        (p) => `${file}:${row.line}${row.id ? ` (id ${row.id})` : ""}: ${p.field}: ${p.message}`,
      ),
    )
    .join("\n");
}
