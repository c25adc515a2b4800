import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import {
  isExpressionToken,
  isMappingToken,
  isSequenceToken,
} from "../../src/sandbox/runner/expressions.ts";
import { parseWorkflowText } from "../../src/sandbox/runner/load-workflows.ts";
import { PROJECT_ROOT } from "../helpers/lancer-action.ts";

const TEMPLATES = path.join(PROJECT_ROOT, "templates");
const files = readdirSync(TEMPLATES).filter((f) => f.endsWith(".yml"));

/** A parsed token as plain data; expressions as their `${{ }}` text. */
function plain(token: TemplateToken | undefined): unknown {
  if (token === undefined) return undefined;
  if (isMappingToken(token)) {
    const out: Record<string, unknown> = {};
    for (const pair of token) out[String(plain(pair.key))] = plain(pair.value);
    return out;
  }
  if (isSequenceToken(token)) return [...token].map((item) => plain(item));
  if (isExpressionToken(token)) return `\${{ ${token.expression} }}`;
  return (token as unknown as { value: unknown }).value;
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  permissions?: unknown;
  steps: Step[];
}

async function parsed(file: string) {
  const text = readFileSync(path.join(TEMPLATES, file), "utf8");
  const loaded = await parseWorkflowText(file, text);
  const root = plain(loaded.root) as { permissions?: unknown; jobs: Record<string, Job> };
  return { loaded, root };
}

/** Permissions a job may hold, by what the job does. */
const ALLOWED_WRITES = new Set(["checks", "pull-requests", "issues"]);

describe("workflow templates", () => {
  it("ships the grader and the standalone templates", () => {
    expect(files.sort()).toEqual(["grader.yml", "pull-request.yml", "swe-lancer-grader.yml"]);
  });

  for (const file of files) {
    describe(file, () => {
      it("parses with @actions/workflow-parser without errors", async () => {
        const { loaded } = await parsed(file);
        expect(loaded.errors).toEqual([]);
        expect(loaded.template?.jobs.length).toBeGreaterThan(0);
      });

      it("gives no permission by default and each job only what it needs", async () => {
        const { root } = await parsed(file);
        expect(root.permissions).toEqual({});
        for (const [id, job] of Object.entries(root.jobs)) {
          expect(job.permissions, `${id} sets its permissions`).toBeTypeOf("object");
          for (const [scope, level] of Object.entries(job.permissions as Record<string, string>)) {
            if (level === "write")
              expect(ALLOWED_WRITES, `${id}: ${scope}: write`).toContain(scope);
          }
        }
      });

      it("checks out with persist-credentials: false", async () => {
        const { root } = await parsed(file);
        const checkouts = Object.values(root.jobs)
          .flatMap((j) => j.steps)
          .filter((s) => s.uses?.startsWith("actions/checkout@"));
        expect(checkouts.length).toBeGreaterThan(0);
        for (const step of checkouts)
          expect(String(step.with?.["persist-credentials"])).toBe("false");
      });

      it("runs the grade phases in separate steps, environment and run with no credential", async () => {
        const { root } = await parsed(file);
        const lancer = Object.values(root.jobs)
          .flatMap((j) => j.steps)
          .filter((s) => s.uses?.startsWith("lancer/lancer@") && s.with?.mode !== "token");
        expect(lancer.map((s) => s.with?.phase)).toEqual([
          "prepare",
          "environment",
          "run",
          "report",
        ]);
        for (const step of lancer.slice(1, 3))
          for (const key of ["token", "bank-token", "private-key", "app-id", "api-key"])
            expect(
              step.with?.[key],
              `${String(step.with?.phase)} phase gets no ${key}`,
            ).toBeUndefined();
        const run = lancer[2]!;
        for (const key of ["token", "bank-token", "private-key", "app-id", "api-key"])
          expect(run.with?.[key], `run phase gets no ${key}`).toBeUndefined();
        expect(JSON.stringify(run)).not.toMatch(/secrets\.|github\.token/);
      });

      it("runs the candidate's code in a job with no write permission and no secret after prepare", async () => {
        const { root } = await parsed(file);
        const job = Object.values(root.jobs).find((j) =>
          j.steps.some((s) => s.with?.phase === "run"),
        )!;
        const perms = Object.values(job.permissions as Record<string, string>);
        expect(perms).not.toContain("write");
        const runIndex = job.steps.findIndex((s) => s.with?.phase === "run");
        for (const step of job.steps.slice(runIndex))
          expect(JSON.stringify(step)).not.toMatch(/secrets\./);
      });

      it("restores and saves the environment under prepare's key, saving before the candidate runs", async () => {
        const { root } = await parsed(file);
        const steps = Object.values(root.jobs).find((j) =>
          j.steps.some((s) => s.with?.phase === "run"),
        )!.steps;
        const at = (test: (s: Step) => boolean) => steps.findIndex(test);
        const restore = at((s) => s.uses === "actions/cache/restore@v4");
        const install = at((s) => s.with?.phase === "environment");
        const save = at((s) => s.uses === "actions/cache/save@v4");
        const run = at((s) => s.with?.phase === "run");
        expect([restore, install, save].every((i) => i >= 0)).toBe(true);
        expect(at((s) => s.with?.phase === "prepare")).toBeLessThan(restore);
        expect(restore < install && install < save && save < run).toBe(true);
        for (const index of [restore, save])
          expect(steps[index]!.with).toEqual({
            path: "${{ steps.prepare.outputs.environment-path }}",
            key: "${{ steps.prepare.outputs.environment-key }}",
          });
      });

      it("passes untrusted values to scripts through env:, never inside run:", async () => {
        const { root } = await parsed(file);
        for (const step of Object.values(root.jobs).flatMap((j) => j.steps)) {
          if (step.run === undefined) continue;
          expect(step.run).not.toMatch(/\$\{\{/);
        }
        // The untrusted parts of a pull request do appear, but only as env values.
        const raw = parseYaml(readFileSync(path.join(TEMPLATES, file), "utf8")) as {
          jobs: Record<string, { steps: Array<Record<string, unknown>> }>;
        };
        for (const step of Object.values(raw.jobs).flatMap((j) => j.steps)) {
          if (typeof step.run === "string") expect(step.run).not.toContain("github.event");
        }
      });
    });
  }
});
