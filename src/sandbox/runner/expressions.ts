import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import type { FunctionDefinition } from "@actions/expressions/funcs/info";
import { truthy } from "@actions/expressions/result";
import type {
  BasicExpressionToken,
  BooleanToken,
  MappingToken,
  NumberToken,
  SequenceToken,
  StringToken,
  TemplateToken,
} from "@actions/workflow-parser/templates/tokens/index";

/** The contexts a workflow expression may read (`github`, `env`, `steps`, …). */
export const CONTEXT_NAMES = [
  "github",
  "env",
  "inputs",
  "secrets",
  "steps",
  "needs",
  "job",
  "runner",
  "matrix",
  "strategy",
  "vars",
] as const;

/** What the status functions answer where an expression is evaluated (a job's or a step's `if`). */
export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

/** The data and status functions an expression is evaluated with. */
export interface ExpressionScope {
  contexts: Partial<Record<(typeof CONTEXT_NAMES)[number], unknown>>;
  status?: StatusFunctions;
}

/** An expression that cannot be parsed or evaluated; the run step or job fails with it. */
export class ExpressionFailure extends Error {
  override name = "ExpressionFailure";
}

/** The template token types of @actions/workflow-parser (its TokenType enum). */
const TOKEN = {
  string: 0,
  sequence: 1,
  mapping: 2,
  expression: 3,
  insert: 4,
  boolean: 5,
  number: 6,
  null: 7,
} as const;

/** Whether a token is a mapping, narrowing it. */
export function isMappingToken(token: TemplateToken | undefined): token is MappingToken {
  return token?.templateTokenType === TOKEN.mapping;
}

/** Whether a token is a sequence, narrowing it. */
export function isSequenceToken(token: TemplateToken | undefined): token is SequenceToken {
  return token?.templateTokenType === TOKEN.sequence;
}

/** Whether a token is a literal string, narrowing it. */
export function isStringToken(token: TemplateToken | undefined): token is StringToken {
  return token?.templateTokenType === TOKEN.string;
}

/** Whether a token is a `${{ }}` expression, narrowing it. */
export function isExpressionToken(token: TemplateToken | undefined): token is BasicExpressionToken {
  return token?.templateTokenType === TOKEN.expression;
}

const FUNCTION_INFO = [
  { name: "success", minArgs: 0, maxArgs: 0 },
  { name: "failure", minArgs: 0, maxArgs: 0 },
  { name: "cancelled", minArgs: 0, maxArgs: 0 },
  { name: "always", minArgs: 0, maxArgs: 0 },
  { name: "hashFiles", minArgs: 1, maxArgs: 255 },
];

function functionsFor(scope: ExpressionScope): Map<string, FunctionDefinition> {
  const status = (name: keyof StatusFunctions) => () => {
    if (!scope.status) throw new ExpressionFailure(`${name}() is not allowed here`);
    return new data.BooleanData(scope.status[name]());
  };
  const fns: Array<[string, () => data.ExpressionData]> = [
    ["success", status("success")],
    ["failure", status("failure")],
    ["cancelled", status("cancelled")],
    ["always", () => new data.BooleanData(true)],
    [
      "hashfiles",
      () => {
        throw new ExpressionFailure("hashFiles() is not supported by the sandbox runner");
      },
    ],
  ];
  return new Map(
    fns.map(([name, call]) => [name, { name, minArgs: 0, maxArgs: 255, call }] as const),
  );
}

/** Plain JSON data as the evaluator's data (dictionaries, arrays, strings, …). */
export function toExpressionData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

/** Evaluator data back to plain JSON. */
export function fromExpressionData(value: data.ExpressionData): unknown {
  return JSON.parse(JSON.stringify(value, data.replacer)) as unknown;
}

function contextDictionary(scope: ExpressionScope): data.Dictionary {
  const dict = new data.Dictionary();
  for (const name of CONTEXT_NAMES) dict.add(name, toExpressionData(scope.contexts[name] ?? {}));
  return dict;
}

/**
 * Lexes an expression. @actions/expressions unescapes only the first `''` of a string literal
 * (`'a''b''c'` would read `a'b''c`); the literals are decoded again here from their source.
 */
function lex(expression: string) {
  const tokens = new Lexer(expression).lex().tokens;
  for (const token of tokens)
    if (token.lexeme.startsWith("'") && typeof token.value === "string")
      token.value = token.lexeme.slice(1, -1).replaceAll("''", "'");
  return tokens;
}

/**
 * Multi-line strings holding `${{ }}` as they really read. @actions/workflow-parser builds the
 * `format()` of such a string from its YAML source (indentation, quotes and folding included),
 * so the loader records the YAML value of those tokens here and they are interpolated instead.
 */
const templateTexts = new WeakMap<TemplateToken, string>();

/** Records the real text of a multi-line template string token (see templateTexts). */
export function setTemplateText(token: TemplateToken, text: string): void {
  templateTexts.set(token, text);
}

/** Evaluates one expression (without `${{ }}`). */
export function evaluateExpression(
  expression: string,
  scope: ExpressionScope,
): data.ExpressionData {
  try {
    const tokens = lex(expression);
    const tree = new Parser(tokens, [...CONTEXT_NAMES], FUNCTION_INFO).parse();
    const evaluator = new Evaluator(tree, contextDictionary(scope), functionsFor(scope));
    // A missing property reads as null, as GitHub's evaluator has it.
    const result: data.ExpressionData | undefined = evaluator.evaluate();
    return result ?? new data.Null();
  } catch (error) {
    if (error instanceof ExpressionFailure) throw error;
    throw new ExpressionFailure(
      `The expression \`${expression}\` failed: ${(error as Error).message}`,
    );
  }
}

/** Evaluates a template token (a literal, an expression, a mapping or a sequence of them). */
export function evaluateToken(token: TemplateToken, scope: ExpressionScope): data.ExpressionData {
  const text = templateTexts.get(token);
  if (text !== undefined) return new data.StringData(interpolate(text, scope));
  switch (token.templateTokenType) {
    case TOKEN.string:
      return new data.StringData((token as StringToken).value);
    case TOKEN.boolean:
      return new data.BooleanData((token as BooleanToken).value);
    case TOKEN.number:
      return new data.NumberData((token as NumberToken).value);
    case TOKEN.null:
      return new data.Null();
    case TOKEN.expression:
      return evaluateExpression((token as BasicExpressionToken).expression, scope);
    case TOKEN.mapping: {
      const dict = new data.Dictionary();
      for (const pair of token as MappingToken)
        dict.add(evaluateToken(pair.key, scope).coerceString(), evaluateToken(pair.value, scope));
      return dict;
    }
    case TOKEN.sequence:
      return new data.Array(...[...(token as SequenceToken)].map((t) => evaluateToken(t, scope)));
    default:
      throw new ExpressionFailure("`${{ insert }}` is not supported by the sandbox runner");
  }
}

/** A token's value as a string (what `run:`, `env:` and `with:` values become). */
export function tokenString(token: TemplateToken, scope: ExpressionScope): string {
  return evaluateToken(token, scope).coerceString();
}

/** A condition's truth (`if:` of a job or step, `continue-on-error`). */
export function tokenTruthy(token: TemplateToken, scope: ExpressionScope): boolean {
  return truthy(evaluateToken(token, scope));
}

/** Evaluates a condition string (`if:`), truthy or not. */
export function conditionHolds(condition: string, scope: ExpressionScope): boolean {
  return truthy(evaluateExpression(condition, scope));
}

/** A mapping token's entries as strings (`env:`, `with:`, `outputs:`), in order. */
export function tokenStringMap(
  token: TemplateToken | undefined,
  scope: ExpressionScope,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMappingToken(token)) return out;
  for (const pair of token) out[pair.key.toString()] = tokenString(pair.value, scope);
  return out;
}

/**
 * Replaces each `${{ expression }}` of a plain string (an action's input default) with its
 * value; the rest is kept as written.
 */
export function interpolate(text: string, scope: ExpressionScope): string {
  let out = "";
  let rest = text;
  for (;;) {
    const start = rest.indexOf("${{");
    if (start < 0) return out + rest;
    const end = closingBraces(rest, start + 3);
    if (end < 0) throw new ExpressionFailure(`Unclosed expression in \`${text}\``);
    out += rest.slice(0, start);
    out += evaluateExpression(rest.slice(start + 3, end).trim(), scope).coerceString();
    rest = rest.slice(end + 2);
  }
}

/** The index of the `}}` that closes an expression, skipping `'…'` string literals. */
function closingBraces(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      if (inString && text[i + 1] === "'") i++;
      else inString = !inString;
    } else if (!inString && c === "}" && text[i + 1] === "}") return i;
  }
  return -1;
}
