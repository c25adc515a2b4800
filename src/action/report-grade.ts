import * as core from "@actions/core";
import { getOctokit } from "@actions/github";
import {
  compactDocument,
  payoutCentsAt,
  type GradeDocument,
} from "../core/grade/grade-document.ts";
import { formatCents } from "../core/money.ts";
import { checkOutput, failureAnnotations } from "../core/report/render-grade.ts";
import { mintInstallationToken } from "../github/app-token.ts";
import { completeCheckRun, upsertPayoutComment } from "../github/report-check-run.ts";
import type { Candidate } from "./grade-phases.ts";
import { InputError, type ActionInputs } from "./inputs.ts";
import type { RunnerEnv } from "./runner-env.ts";

/**
 * Publishes a grade: outputs (the payout from the bank's price, never from the candidate),
 * job summary, annotations, then the check run and, with `report: comment`, the payout
 * comment. A verdict `error` fails the step: nothing was decided, nothing is shown as $0.
 */
export async function reportGrade(
  inputs: ActionInputs,
  env: RunnerEnv,
  candidate: Candidate,
  doc: GradeDocument,
  priceCents: number | undefined,
): Promise<void> {
  const payout = payoutCentsAt(doc, priceCents);
  setGradeOutputs(doc);
  core.setOutput("payout-cents", payout === null ? "" : String(payout));
  core.setOutput("payout", payout === null ? "" : formatCents(payout));

  const output = checkOutput(doc, priceCents);
  core.info(`Lancer ${doc.task_id}: ${output.title}`);
  for (const note of failureAnnotations(doc)) core.error(note.message, { title: note.title });
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addHeading(`Lancer — ${output.title}`, 2)
      .addRaw(`${output.summary}\n\n${output.text}\n`)
      .write();
  }

  if (inputs.report !== "none") {
    const repository = candidate.repository;
    if (!repository || !candidate.sha)
      throw new InputError(
        "inputs 'repository' and 'sha' are needed to report: the workflow's event gives neither",
      );
    const [owner, repo] = repository.split("/") as [string, string];
    const token = await reportToken(inputs, env, repository);
    const octokit = getOctokit(token, { baseUrl: env.apiUrl });
    const attempt = inputs.attempt ?? 1;
    const runUrl = process.env.GITHUB_RUN_ID
      ? `${env.serverUrl}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
      : undefined;
    const checkUrl = await completeCheckRun(
      octokit,
      {
        owner,
        repo,
        sha: candidate.sha,
        taskId: doc.task_id,
        attempt,
        detailsUrl: runUrl,
        checkRunId: inputs["check-run-id"],
      },
      doc,
      priceCents,
    );
    core.info(`Check run ${output.conclusion}: ${checkUrl}`);
    if (inputs.report === "comment") {
      const pullRequest = inputs["pull-request"] ?? env.pullRequest?.number;
      if (pullRequest === undefined)
        core.warning("report: comment needs input 'pull-request' (the event has no pull request)");
      else
        await upsertPayoutComment(
          octokit,
          { owner, repo, pullRequest, attempt },
          doc,
          priceCents,
          checkUrl,
        );
    }
  }
  if (doc.verdict === "error") core.setFailed(`Lancer: grading error: ${doc.detail}`);
}

/** The outputs every grade phase sets: the verdict, test counts and the compact result. */
export function setGradeOutputs(doc: GradeDocument, resultPath?: string): void {
  core.setOutput("verdict", doc.verdict);
  core.setOutput("tests-passed", String(doc.tests_passed));
  core.setOutput("tests-failed", String(doc.tests_failed));
  if (resultPath !== undefined) core.setOutput("result-path", resultPath);
  core.setOutput("result", JSON.stringify(compactDocument(doc)));
}

/** The given token, or one minted from the app's key for this repository and nothing more. */
async function reportToken(
  inputs: ActionInputs,
  env: RunnerEnv,
  repository: string,
): Promise<string> {
  if (inputs.token) return inputs.token;
  if (inputs["app-id"] === undefined || !inputs["private-key"])
    throw new InputError(
      `input 'token' (or 'app-id' and 'private-key') is required to report with '${inputs.report}'`,
    );
  const { token } = await mintInstallationToken({
    apiUrl: env.apiUrl,
    appId: inputs["app-id"],
    privateKey: inputs["private-key"],
    installationId: inputs["installation-id"],
    repository,
    permissions:
      inputs.report === "comment"
        ? { checks: "write", pull_requests: "write", issues: "write" }
        : { checks: "write" },
  });
  core.setSecret(token);
  return token;
}
