import { z } from "zod";
import { computePayout } from "../payout.ts";
import { TaskId } from "../task/schema.ts";
import type { IcGrade } from "./grade-ic.ts";

const Verdict = z.enum(["pass", "fail", "error"]);

const TestRow = z.object({
  id: z.string(),
  status: z.enum(["passed", "failed", "skipped", "error"]),
  message: z.string().optional(),
});

const RunRow = z.object({
  index: z.number().int().positive(),
  verdict: Verdict,
  reason: z.string(),
  detail: z.string(),
  exit_code: z.number().int().nullable(),
  duration_ms: z.number().nonnegative(),
  tests_passed: z.number().int().nonnegative(),
  tests_failed: z.number().int().nonnegative(),
  tests: z.array(TestRow),
  output_tail: z.string(),
});

/**
 * One grading of one candidate, as files and workflow outputs carry it between the phases of
 * the Action and to whoever reports it. The payout is not in it: it is computed from the
 * bank's price by whoever reports, never taken from this document.
 */
export const GradeDocument = z.object({
  version: z.literal(1),
  task_id: TaskId,
  verdict: Verdict,
  reason: z.string(),
  detail: z.string(),
  tests_passed: z.number().int().nonnegative(),
  tests_failed: z.number().int().nonnegative(),
  /** The tests the task requires: they fail on the base and must pass (F2P), or must keep passing (P2P). */
  fail_to_pass: z.array(z.string()),
  pass_to_pass: z.array(z.string()),
  apply_method: z.string().optional(),
  tamper: z.array(z.object({ path: z.string(), why: z.string() })).optional(),
  /** How the task's environment was set up: the cache key, a hit or not, a reinstall's reason. */
  environment: z
    .object({
      key: z.string(),
      cache_hit: z.boolean(),
      install_ms: z.number().nonnegative(),
      reinstalled: z.string().optional(),
      build_ms: z.number().nonnegative().optional(),
    })
    .optional(),
  /** `container <image>` when install, build and tests ran in a container. */
  isolation: z.string().optional(),
  /** The defences against forged results that ran: canaries, hidden-file hashes, results source. */
  defences: z
    .object({
      canaries: z.object({
        file: z.string().optional(),
        planted: z.number().int().nonnegative(),
        confirmed: z.number().int().nonnegative(),
        why_none: z.string().optional(),
      }),
      hidden_files: z.object({
        checked: z.number().int().nonnegative(),
        unchanged: z.boolean(),
      }),
      results_source: z.string(),
      runner_config_reset: z.array(z.string()).default([]),
    })
    .optional(),
  runs: z.array(RunRow),
  candidate: z.object({ repository: z.string().optional(), sha: z.string().optional() }),
  graded_at: z.string(),
});
export type GradeDocument = z.output<typeof GradeDocument>;
export type GradeRunRow = z.output<typeof RunRow>;

/** The document for a grade of the core grader. */
export function gradeDocument(
  taskId: string,
  spec: { fail_to_pass: string[]; pass_to_pass: string[] },
  grade: IcGrade,
  candidate: GradeDocument["candidate"],
  now: Date = new Date(),
): GradeDocument {
  return {
    version: 1,
    task_id: taskId,
    verdict: grade.verdict,
    reason: grade.reason,
    detail: grade.detail,
    tests_passed: grade.testsPassed,
    tests_failed: grade.testsFailed,
    fail_to_pass: spec.fail_to_pass,
    pass_to_pass: spec.pass_to_pass,
    ...(grade.applyMethod ? { apply_method: grade.applyMethod } : {}),
    ...(grade.tamper ? { tamper: grade.tamper.map((t) => ({ path: t.path, why: t.why })) } : {}),
    ...(grade.environment ? { environment: grade.environment } : {}),
    ...(grade.isolation ? { isolation: grade.isolation } : {}),
    ...(grade.defences ? { defences: grade.defences } : {}),
    runs: grade.runs.map((run) => ({
      index: run.index,
      verdict: run.verdict,
      reason: run.reason,
      detail: run.detail,
      exit_code: run.exitCode,
      duration_ms: run.durationMs,
      tests_passed: run.testsPassed,
      tests_failed: run.testsFailed,
      tests: run.tests.map((t) => ({
        id: t.id,
        status: t.status,
        ...(t.message ? { message: t.message } : {}),
      })),
      output_tail: run.outputTail,
    })),
    candidate,
    graded_at: now.toISOString(),
  };
}

/** A document for a grading that could not take place (bank unreadable, bad input, crash). */
export function errorDocument(
  taskId: string,
  detail: string,
  candidate: GradeDocument["candidate"],
  now: Date = new Date(),
  reason: "harness-error" | "environment" = "harness-error",
): GradeDocument {
  return {
    version: 1,
    task_id: taskId,
    verdict: "error",
    reason,
    detail,
    tests_passed: 0,
    tests_failed: 0,
    fail_to_pass: [],
    pass_to_pass: [],
    runs: [],
    candidate,
    graded_at: now.toISOString(),
  };
}

/** Parses a document from JSON text, naming where it came from when it is not one. */
export function parseGradeDocument(json: string, where: string): GradeDocument {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`${where}: not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = GradeDocument.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(
      `${where}: not a Lancer grade result: ${first.path.join(".")}: ${first.message}`,
    );
  }
  return parsed.data;
}

/**
 * The document made small enough for a workflow output (GitHub allows 1 MB per job): only
 * required and failing tests are listed, messages and output tails are shortened.
 */
export function compactDocument(doc: GradeDocument, maxTestsPerRun = 100): GradeDocument {
  const required = new Set([...doc.fail_to_pass, ...doc.pass_to_pass]);
  return {
    ...doc,
    runs: doc.runs.map((run) => ({
      ...run,
      tests: run.tests
        .filter((t) => required.has(t.id) || t.status === "failed" || t.status === "error")
        .slice(0, maxTestsPerRun)
        .map((t) => (t.message ? { ...t, message: t.message.slice(0, 500) } : t)),
      output_tail: run.output_tail.slice(-1500),
    })),
  };
}

/**
 * What the document's verdict is worth at the bank's price: null when nothing was decided
 * (verdict error, or the price is unknown).
 */
export function payoutCentsAt(doc: GradeDocument, priceCents: number | undefined): number | null {
  return priceCents === undefined ? null : computePayout(priceCents, doc.verdict).cents;
}
