import type { z } from "zod";

/** One problem with one field, worded for a person: `hidden.test.command: expected a string`. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Turns zod issues into field problems, the field as a dotted path. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length === 0 ? "(root)" : issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/** Formats field problems as `where: field: message` lines. */
export function describeProblems(where: string, problems: FieldProblem[]): string {
  return problems.map((p) => `${where}: ${p.field}: ${p.message}`).join("\n");
}
