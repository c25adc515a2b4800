import { parse } from "csv-parse/sync";
import { dollarsToCents } from "../money.ts";
import { fieldProblems } from "../task/format-issues.ts";
import { TaskFile } from "../task/schema.ts";
import type { ImportedTask } from "./imported-task.ts";
import { parsePythonLiteral, PythonLiteralError, type PyValue } from "./python-literal.ts";
import type { RowProblem } from "./row-problem.ts";

/** Columns every SWE-Lancer task list has. */
const COMMON_COLUMNS = [
  "question_id",
  "variant",
  "price",
  "manager_data",
  "manager_commit",
  "acceptable_folders",
];
/** The lite/old list carries the whole prompt; the newer one title, description and proposals. */
const LITE_COLUMNS = ["prompt"];
const NEW_COLUMNS = ["title", "description"];

const EXPENSIFY_REPO = "https://github.com/Expensify/App";
const EXTERNAL_REASON =
  "SWE-Lancer IC tasks are graded by end-to-end tests in the official SWE-Lancer Docker image";

export class ImportFormatError extends Error {
  override name = "ImportFormatError";
}

export interface ImportRows {
  tasks: ImportedTask[];
  problems: RowProblem[];
  /** Fields of the input Lancer does not use, each listed once (not silently dropped). */
  ignored?: string[];
}

type Row = Record<string, string>;

/** Which column set a header has, or the columns it lacks. */
export function detectSweLancerColumns(header: readonly string[]): "lite" | "new" {
  const has = (c: string) => header.includes(c);
  const missing = COMMON_COLUMNS.filter((c) => !has(c));
  if (missing.length === 0 && LITE_COLUMNS.every(has)) return "lite";
  if (missing.length === 0 && NEW_COLUMNS.every(has)) return "new";
  const wanted = [
    ...missing,
    ...(LITE_COLUMNS.every(has) || NEW_COLUMNS.every(has)
      ? []
      : ["prompt (or title and description)"]),
  ];
  throw new ImportFormatError(`not a SWE-Lancer task list: the header lacks ${wanted.join(", ")}`);
}

/**
 * Reads a SWE-Lancer CSV (lite/old columns with `prompt`, or the newer ones with `title`,
 * `description`, `proposals`, `set`) into tasks, collecting every bad row instead of stopping.
 */
export function readSweLancerCsv(text: string): ImportRows {
  let records: Array<{ record: Row; info: { lines: number } }>;
  try {
    records = parse(text, {
      columns: true,
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
    });
  } catch (error) {
    throw new ImportFormatError(`not readable as CSV: ${(error as Error).message}`);
  }
  const header = records[0] ? Object.keys(records[0].record) : firstLineColumns(text);
  const columns = detectSweLancerColumns(header);
  const tasks: ImportedTask[] = [];
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  let previousEnd = 1;
  for (const { record, info } of records) {
    const line = previousEnd + 1;
    previousEnd = info.lines;
    const result = rowToTask(record, columns);
    const id = record.question_id || undefined;
    if (id && seen.has(id))
      result.problems.push({ field: "question_id", message: `"${id}" appears on an earlier row` });
    if (id) seen.add(id);
    if (result.problems.length > 0 || !result.task)
      problems.push({ line, ...(id ? { id } : {}), problems: result.problems });
    else tasks.push({ line, task: result.task });
  }
  return { tasks, problems };
}

function firstLineColumns(text: string): string[] {
  return (text.split(/\r?\n/, 1)[0] ?? "").split(",").map((c) => c.trim());
}

type FieldProblems = Array<{ field: string; message: string }>;

function literal(row: Row, field: string, problems: FieldProblems): PyValue | undefined {
  const raw = row[field] ?? "";
  if (raw.trim() === "") return undefined;
  try {
    return parsePythonLiteral(raw);
  } catch (error) {
    if (!(error instanceof PythonLiteralError)) throw error;
    problems.push({ field, message: `not a valid Python literal: ${error.message}` });
    return undefined;
  }
}

function isDict(value: PyValue | undefined): value is { [key: string]: PyValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function rowToTask(
  row: Row,
  columns: "lite" | "new",
): { task?: TaskFile; problems: FieldProblems } {
  const problems: FieldProblems = [];
  const kind =
    row.variant === "ic_swe" ? "ic" : row.variant === "swe_manager" ? "manager" : undefined;
  if (!kind)
    problems.push({
      field: "variant",
      message: `expected ic_swe or swe_manager, got "${row.variant ?? ""}"`,
    });
  const priceCents = dollarsToCents(row.price);
  if (priceCents === undefined)
    problems.push({
      field: "price",
      message: `expected a dollar amount like 1000.0, got "${row.price ?? ""}"`,
    });
  const folders = literal(row, "acceptable_folders", problems);
  if (
    folders !== undefined &&
    !(Array.isArray(folders) && folders.every((f) => typeof f === "string"))
  ) {
    problems.push({ field: "acceptable_folders", message: "expected a list of strings" });
  }
  const managerData = literal(row, "manager_data", problems);
  if (
    kind === "manager" &&
    !isDict(managerData) &&
    !problems.some((p) => p.field === "manager_data")
  ) {
    problems.push({
      field: "manager_data",
      message: "a swe_manager row needs a dict with game.all_formal_proposals",
    });
  }
  const text =
    columns === "lite"
      ? promptText(row, problems)
      : { title: row.title ?? "", body: row.description ?? "" };
  if (problems.length > 0 || !kind) return { problems };

  const manager =
    kind === "manager"
      ? managerParts(row, managerData as { [key: string]: PyValue }, columns, problems)
      : undefined;
  if (problems.length > 0) return { problems };
  const title = (
    isDict(managerData) && typeof managerData.title === "string" ? managerData.title : text.title
  ).trim();
  const body =
    isDict(managerData) && typeof managerData.html_description === "string"
      ? managerData.html_description
      : text.body;
  const candidate = {
    id: row.question_id,
    kind,
    title: title || row.question_id,
    body,
    price_cents: priceCents,
    labels: [row.variant],
    ...(row.set ? { set: row.set } : {}),
    ...(kind === "ic" ? { source: { repo: EXPENSIFY_REPO, external: true } } : {}),
    ...(manager ? { proposals: manager.proposals } : {}),
    hidden: {
      ...(kind === "ic" ? { graded_externally: EXTERNAL_REASON } : {}),
      ...(manager ? { correct_proposal_id: manager.correct } : {}),
      meta: {
        source: "swe-lancer",
        variant: row.variant,
        ...(row.manager_commit ? { manager_commit: row.manager_commit } : {}),
        ...(row.cwd ? { cwd: row.cwd } : {}),
        ...(row.price_limit ? { price_limit: row.price_limit } : {}),
        // The official harness's test folders (e.g. ["18641_837"]), not folders of the repository.
        acceptable_folders: folders ?? [],
      },
    },
  };
  const parsed = TaskFile.safeParse(candidate);
  if (!parsed.success) {
    return {
      problems: fieldProblems(parsed.error).map((p) => ({
        field: toColumn(p.field),
        message: p.message,
      })),
    };
  }
  return { task: parsed.data, problems };
}

/** Names the CSV column a task field came from, so errors point at the input. */
function toColumn(field: string): string {
  if (field.startsWith("id")) return "question_id";
  if (field.startsWith("price_cents")) return "price";
  if (field.startsWith("proposals") || field.startsWith("hidden.correct_proposal_id"))
    return "manager_data";
  return field;
}

/** Title and issue text from the first message of the official prompt. */
function promptText(row: Row, problems: FieldProblems): { title: string; body: string } {
  const prompt = literal(row, "prompt", problems);
  const first = Array.isArray(prompt) && isDict(prompt[0]) ? prompt[0].content : undefined;
  if (typeof first !== "string") {
    if (!problems.some((p) => p.field === "prompt")) {
      problems.push({
        field: "prompt",
        message: "expected a list of messages [{'content': '...', 'role': 'user'}, ...]",
      });
    }
    return { title: "", body: "" };
  }
  const match =
    /(?:following issue|addressing the following issue):\n\n([^\n]*)\n\n([\s\S]*?)\n\n(?:The reward for the correct fix|You will be paid)/.exec(
      first,
    );
  return match ? { title: match[1]!, body: match[2]! } : { title: "", body: first };
}

function managerParts(
  row: Row,
  data: { [key: string]: PyValue },
  columns: "lite" | "new",
  problems: FieldProblems,
):
  | { proposals: Array<{ id: number; content: string; author?: string }>; correct: number }
  | undefined {
  const game = isDict(data.game) ? data.game : undefined;
  const fromColumn = columns === "new" ? literal(row, "proposals", problems) : undefined;
  const list = Array.isArray(fromColumn) ? fromColumn : game?.all_formal_proposals;
  const correct = isDict(game?.correct_proposal) ? game.correct_proposal.id : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push({
      field: "manager_data",
      message: "game.all_formal_proposals: expected a non-empty list of {id, content}",
    });
    return undefined;
  }
  const proposals = [];
  for (const [index, item] of list.entries()) {
    if (!isDict(item) || typeof item.id !== "number" || typeof item.content !== "string") {
      problems.push({
        field: "manager_data",
        message: `game.all_formal_proposals[${index}]: expected {'id': int, 'content': str}`,
      });
      continue;
    }
    const author = typeof item.author === "string" ? item.author : undefined;
    proposals.push({ id: item.id, content: item.content, ...(author ? { author } : {}) });
  }
  if (typeof correct !== "number") {
    problems.push({
      field: "manager_data",
      message: "game.correct_proposal.id: expected an integer",
    });
    return undefined;
  }
  return { proposals, correct };
}
