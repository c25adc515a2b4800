import type { WorkflowTemplate } from "@actions/workflow-parser";
import type { MappingToken } from "@actions/workflow-parser/templates/tokens/index";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { isScalar, LineCounter, parseDocument, visit } from "yaml";
import { git } from "../../core/git/git.ts";
import {
  isExpressionToken,
  isMappingToken,
  isSequenceToken,
  isStringToken,
  setTemplateText,
} from "./expressions.ts";
import { loadWorkflowParser } from "./workflow-parser.ts";

/** A workflow file read at one commit: its parsed template, or why it could not be parsed. */
export interface LoadedWorkflow {
  /** `.github/workflows/ci.yml` */
  path: string;
  /** `name:`, else the path (as GitHub names unnamed workflows). */
  name: string;
  template: WorkflowTemplate | undefined;
  /** The parsed document, for the keys the converted template leaves out (`permissions`, `with`, …). */
  root: MappingToken | undefined;
  /** Parse and validation errors; a workflow with errors cannot run. */
  errors: string[];
}

const WORKFLOW_DIR = ".github/workflows/";

/** The workflow files of a commit: `.yml`/`.yaml` files directly in `.github/workflows/`. */
export async function listWorkflowFiles(gitDir: string, sha: string): Promise<string[]> {
  const listed = await git(["ls-tree", "--name-only", `${sha}:${WORKFLOW_DIR}`], {
    cwd: gitDir,
    allowFailure: true,
  });
  if (listed.exitCode !== 0) return [];
  return listed.stdout
    .split("\n")
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => WORKFLOW_DIR + name)
    .sort();
}

/** Reads and parses one workflow file at a commit; undefined when the commit has no such file. */
export async function loadWorkflow(
  gitDir: string,
  sha: string,
  path: string,
): Promise<LoadedWorkflow | undefined> {
  const shown = await git(["show", `${sha}:${path}`], { cwd: gitDir, allowFailure: true });
  if (shown.exitCode !== 0) return undefined;
  return parseWorkflowText(path, shown.stdout);
}

/** Parses workflow YAML with GitHub's own parser and schema. */
export async function parseWorkflowText(path: string, content: string): Promise<LoadedWorkflow> {
  const parser = await loadWorkflowParser();
  const parsed = parser.parseWorkflow({ name: path, content }, new parser.NoOperationTraceWriter());
  const root = isMappingToken(parsed.value) ? parsed.value : undefined;
  if (root) recordMultilineTemplates(root, content);
  const nameToken = root?.find("name");
  const name = isStringToken(nameToken) ? nameToken.value : path;
  let template: WorkflowTemplate | undefined;
  if (root) {
    template = await parser.convertWorkflowTemplate(parsed.context, root);
  }
  const errors = [
    ...parsed.context.errors.getErrors().map((e) => e.message),
    ...(template?.errors ?? []).map((e) => e.Message),
  ];
  const unique = [...new Set(errors)];
  if (!root && unique.length === 0) unique.push(`${path}: the workflow is empty`);
  return { path, name, template: unique.length > 0 ? undefined : template, root, errors: unique };
}

/** `line:column` of where a multi-line YAML string holding `${{` starts → its value. */
function multilineTemplates(content: string): Map<string, string> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter, keepSourceTokens: true, uniqueKeys: false });
  const found = new Map<string, string>();
  visit(doc, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.value !== "string" || !node.range) return;
      if (!node.value.includes("${{")) return;
      const start = lineCounter.linePos(node.range[0]);
      const end = lineCounter.linePos(node.range[1]);
      if (start.line !== end.line) found.set(`${start.line}:${start.col}`, node.value);
    },
  });
  return found;
}

/**
 * Gives each multi-line template string of a parsed workflow its real text (see
 * `setTemplateText`): the parser would otherwise build it from the raw YAML source.
 */
function recordMultilineTemplates(root: TemplateToken, content: string): void {
  const texts = multilineTemplates(content);
  if (texts.size === 0) return;
  const walk = (token: TemplateToken): void => {
    if (isMappingToken(token)) for (const pair of token) walk(pair.value);
    else if (isSequenceToken(token)) for (const item of token) walk(item);
    else if (isExpressionToken(token) && token.range) {
      const text = texts.get(`${token.range.start.line}:${token.range.start.column}`);
      if (text !== undefined) setTemplateText(token, text);
    }
  };
  walk(root);
}
