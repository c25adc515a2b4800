import { payoutCentsAt, type GradeDocument } from "../grade/grade-document.ts";
import { formatCents } from "../money.ts";
import { computePayout } from "../payout.ts";

export type CheckConclusion = "success" | "failure" | "neutral";

/** What a check run on the candidate shows. */
export interface CheckOutput {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  text: string;
}

/** A failure annotation (not tied to a file: hidden tests have no file in the candidate). */
export interface FailureAnnotation {
  title: string;
  message: string;
}

const REASON_TEXT: Record<string, string> = {
  ok: "every required hidden test passed",
  "tests-failed": "required hidden tests failed",
  "missing-tests": "required hidden tests did not run",
  timeout: "the tests ran out of time",
  tamper: "the change touches files it must not change",
  "patch-does-not-apply": "the change does not apply to the task's base",
  "no-evidence": "the test run produced no readable results",
  "evidence-disagrees": "the test results and the exit code disagree",
  "harness-error": "grading could not take place",
  environment: "the task's environment could not be installed",
  "build-failed": "the project does not build with the change",
  "results-forged": "the test results were forged (a canary test gave it away)",
};

/** One line naming the defences against forged results that ran in a grading. */
export function defencesLine(d: GradeDocument["defences"]): string | undefined {
  if (!d) return undefined;
  const canaries =
    d.canaries.why_none !== undefined
      ? `canaries: none (${d.canaries.why_none})`
      : `canaries ${d.canaries.confirmed}/${d.canaries.planted} confirmed`;
  const hashes = `hidden-file hashes ${d.hidden_files.unchanged ? "unchanged" : "CHANGED"} (${d.hidden_files.checked} files)`;
  const reset =
    d.runner_config_reset.length > 0
      ? `; the candidate's runner configuration put back to the base's: ${d.runner_config_reset.join(", ")}`
      : "";
  return `Defences: ${canaries}; ${hashes}; results from ${d.results_source}${reset}.`;
}

export function reasonText(reason: string): string {
  return REASON_TEXT[reason] ?? reason;
}

/** "$250 earned", "$0 of $250", or "no payout decided" for an error. */
export function payoutLine(doc: GradeDocument, priceCents: number | undefined): string {
  const cents = payoutCentsAt(doc, priceCents);
  if (cents === null) return "No payout decided (grading error).";
  if (cents > 0) return `Payout: **${formatCents(cents)}** (the task's price).`;
  return `Payout: ${formatCents(0)} of ${formatCents(priceCents ?? 0)}.`;
}

export function checkOutput(doc: GradeDocument, priceCents: number | undefined): CheckOutput {
  const payout = computePayout(priceCents ?? 0, doc.verdict);
  const conclusion: CheckConclusion =
    doc.verdict === "pass" ? "success" : doc.verdict === "fail" ? "failure" : "neutral";
  const title =
    doc.verdict === "pass"
      ? `pass: ${formatCents(payout.cents ?? 0)} earned`
      : doc.verdict === "fail"
        ? `fail (${doc.reason}): ${formatCents(0)} of ${formatCents(priceCents ?? 0)}`
        : `grading error: no payout decided`;
  const summary = [
    gradeMarker(doc),
    `**Verdict: ${doc.verdict}** — ${reasonText(doc.reason)}.`,
    "",
    payoutLine(doc, priceCents),
    "",
    `Task \`${doc.task_id}\`; hidden tests in the deciding run: ${doc.tests_passed} passed, ${doc.tests_failed} failed.`,
    ...(doc.detail ? ["", `Detail: ${doc.detail}`] : []),
    ...(doc.defences ? ["", defencesLine(doc.defences)!] : []),
  ].join("\n");
  return { conclusion, title, summary, text: testTablesMarkdown(doc) };
}

const GRADE_MARKER = /<!--\s*lancer:grade\s+(\{[^\n]*?\})\s*-->/;

/** What the app reads back from a check run it trusts: the verdict, never a price. */
export interface GradeFacts {
  verdict: "pass" | "fail" | "error";
  reason: string;
  tests_passed: number;
  tests_failed: number;
}

/** A hidden line in the check run's summary carrying the grade for the app. */
export function gradeMarker(doc: GradeDocument): string {
  const facts: GradeFacts = {
    verdict: doc.verdict,
    reason: doc.reason,
    tests_passed: doc.tests_passed,
    tests_failed: doc.tests_failed,
  };
  return `<!-- lancer:grade ${JSON.stringify(facts)} -->`;
}

/** The grade a check run's summary carries, or undefined when it has none (or a broken one). */
export function readGradeMarker(summary: string | null | undefined): GradeFacts | undefined {
  const match = GRADE_MARKER.exec(summary ?? "");
  if (!match) return undefined;
  try {
    const facts = JSON.parse(match[1]!) as Partial<GradeFacts>;
    if (!["pass", "fail", "error"].includes(String(facts.verdict))) return undefined;
    return {
      verdict: facts.verdict!,
      reason: String(facts.reason ?? ""),
      tests_passed: Number(facts.tests_passed ?? 0),
      tests_failed: Number(facts.tests_failed ?? 0),
    };
  } catch {
    return undefined;
  }
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

const STATUS_MARK: Record<string, string> = {
  passed: "✅ passed",
  failed: "❌ failed",
  error: "❌ error",
  skipped: "⏭️ skipped",
};

/** One table per run: each required test with its role and status, then other failures. */
export function testTablesMarkdown(doc: GradeDocument, maxRows = 200): string {
  if (doc.runs.length === 0) return "No test run took place.";
  const role = (id: string) =>
    doc.fail_to_pass.includes(id)
      ? "fail → pass"
      : doc.pass_to_pass.includes(id)
        ? "pass → pass"
        : "";
  return doc.runs
    .map((run) => {
      const seen = new Map(run.tests.map((t) => [t.id, t]));
      const required = [...doc.fail_to_pass, ...doc.pass_to_pass];
      const rows = required.map((id) => [id, role(id), seen.get(id)?.status ?? "missing"]);
      const others = run.tests.filter(
        (t) => !required.includes(t.id) && (t.status === "failed" || t.status === "error"),
      );
      rows.push(...others.map((t) => [t.id, "", t.status]));
      const shown = rows.slice(0, maxRows);
      return [
        `#### Run ${run.index}: ${run.verdict} (${run.reason}), ${run.duration_ms} ms`,
        "",
        "| Test | Required | Result |",
        "| --- | --- | --- |",
        ...shown.map(
          ([id, r, status]) =>
            `| ${escapeCell(id!)} | ${r} | ${STATUS_MARK[status!] ?? `⚠️ ${status}`} |`,
        ),
        ...(rows.length > shown.length ? [``, `… and ${rows.length - shown.length} more.`] : []),
      ].join("\n");
    })
    .join("\n\n");
}

/** One annotation per required test that did not pass in the deciding run (capped). */
export function failureAnnotations(doc: GradeDocument, max = 20): FailureAnnotation[] {
  if (doc.verdict === "error")
    return [{ title: "Lancer: grading error", message: doc.detail || reasonText(doc.reason) }];
  if (doc.verdict === "pass") return [];
  if (doc.reason === "tamper" || doc.reason === "patch-does-not-apply")
    return [{ title: `Lancer: ${reasonText(doc.reason)}`, message: doc.detail }];
  const deciding = doc.runs.find((r) => r.verdict === doc.verdict) ?? doc.runs[0];
  if (!deciding) return [];
  const byId = new Map(deciding.tests.map((t) => [t.id, t]));
  const notes: FailureAnnotation[] = [];
  for (const id of [...doc.fail_to_pass, ...doc.pass_to_pass]) {
    const test = byId.get(id);
    if (test?.status === "passed") continue;
    notes.push({
      title: `Hidden test ${test ? test.status : "missing"}: ${id}`,
      message: test?.message ?? (test ? `${id} ${test.status}` : `${id} did not run`),
    });
  }
  if (notes.length === 0)
    notes.push({ title: `Lancer: ${reasonText(doc.reason)}`, message: doc.detail });
  return notes.slice(0, max);
}

/** The hidden marker that lets a later report find and edit its own comment. */
export function payoutCommentMarker(taskId: string, attempt: number): string {
  return `<!-- lancer:payout task=${taskId} attempt=${attempt} -->`;
}

/** The payout comment on the pull request (standalone use, without the app). */
export function payoutComment(
  doc: GradeDocument,
  priceCents: number | undefined,
  attempt: number,
  checkUrl: string | undefined,
): string {
  const output = checkOutput(doc, priceCents);
  const icon = doc.verdict === "pass" ? "✅" : doc.verdict === "fail" ? "❌" : "⚠️";
  return [
    payoutCommentMarker(doc.task_id, attempt),
    `### ${icon} Lancer — ${output.title}`,
    "",
    output.summary,
    "",
    ...(checkUrl ? [`Details: ${checkUrl}`, ""] : []),
    "<details><summary>Hidden test results</summary>",
    "",
    output.text,
    "",
    "</details>",
  ].join("\n");
}
