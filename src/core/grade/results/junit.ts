import { XMLParser, XMLValidator } from "fast-xml-parser";
import { summarizeMessage } from "./summarize.ts";
import { EvidenceError, type TestResult } from "./types.ts";

/** One element as fast-xml-parser's `preserveOrder` mode returns it. */
type OrderedNode = Record<string, unknown>;

const ATTRS = ":@";
const TEXT = "#text";
const CDATA = "#cdata";

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  // Entities are decoded by `decodeEntities` so numeric references work and CDATA stays raw.
  processEntities: false,
  cdataPropName: CDATA,
});

/**
 * Parse JUnit XML (node:test's junit reporter, pytest `--junitxml`, surefire, jest-junit, ...).
 *
 * A result's id is the names of the enclosing `<testsuite>` elements (never the `<testsuites>`
 * root) and the testcase name, joined with " > ". When the testcase has a `classname`, the aliases
 * are `classname::name` and `classname.name`. node:test's reporter escapes `"` twice (`&amp;quot;`);
 * names and messages are repaired, and a repaired name's literal spelling is kept as an alias.
 * Noise around the XML is ignored. Throws {@link EvidenceError} when the text is not JUnit XML or
 * holds no `<testcase>`.
 */
export function parseJunit(text: string): TestResult[] {
  const xml = extractXml(text);
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new EvidenceError(
      `expected JUnit XML but it is malformed: ${msg} (line ${line}, column ${col})`,
    );
  }
  const roots = (parser.parse(xml) as OrderedNode[]).filter(
    (node) => tagOf(node) === "testsuites" || tagOf(node) === "testsuite",
  );
  if (roots.length === 0) {
    throw new EvidenceError("expected JUnit XML with a <testsuites> or <testsuite> root element");
  }
  const results: TestResult[] = [];
  walk(roots, [], results);
  if (results.length === 0) {
    throw new EvidenceError("expected JUnit XML with at least one <testcase>, found none");
  }
  return results;
}

/** The XML document inside `text`, without noise printed before or after it. */
function extractXml(text: string): string {
  const start = /<testsuites?[\s>/]/.exec(text);
  if (start === null) {
    const what = text.trim() === "" ? "empty output" : "no <testsuites> or <testsuite> element";
    throw new EvidenceError(`expected JUnit XML, found ${what}`);
  }
  const rootTag = text.startsWith("<testsuites", start.index) ? "testsuites" : "testsuite";
  const closing = `</${rootTag}>`;
  const end = text.lastIndexOf(closing);
  return end < start.index
    ? text.slice(start.index)
    : text.slice(start.index, end + closing.length);
}

function walk(nodes: OrderedNode[], suites: string[], results: TestResult[]): void {
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === "testsuites") {
      walk(childrenOf(node, tag), suites, results);
    } else if (tag === "testsuite") {
      const name = attr(node, "name");
      walk(childrenOf(node, tag), name ? [...suites, name] : suites, results);
    } else if (tag === "testcase") {
      results.push(testcaseResult(node, suites));
    }
  }
}

function testcaseResult(node: OrderedNode, suites: string[]): TestResult {
  const name = attr(node, "name") ?? "";
  const classname = attr(node, "classname");
  const children = childrenOf(node, "testcase");
  const find = (tag: string) => children.find((child) => tagOf(child) === tag);
  const skipped = find("skipped");
  const error = find("error");
  const failure = find("failure");
  const failureAttr = attr(node, "failure");

  const result: TestResult = { id: [...suites, name].join(" > "), status: "passed" };
  const aliases: string[] = [];
  if (classname)
    aliases.push(
      `${classname}::${name}`,
      `${classname}.${name}`,
      ...pytestNodeIds(classname, name),
    );
  const literal = attr(node, "name", false);
  if (literal !== undefined && literal !== name) aliases.push([...suites, literal].join(" > "));
  if (aliases.length > 0) result.aliases = aliases;

  let message: string | undefined;
  if (skipped) {
    result.status = "skipped";
    message = detailOf(skipped);
  } else if (error) {
    result.status = "error";
    message = detailOf(error);
  } else if (failure || failureAttr !== undefined) {
    result.status = "failed";
    message = (failure && detailOf(failure)) ?? failureAttr;
  }
  const summary = summarizeMessage(message);
  if (summary !== undefined) result.message = summary;
  return result;
}

/**
 * The pytest node ids a pytest JUnit testcase may stand for: its classname is the module's
 * dotted path followed by any classes (`tests.test_x.TestY`), so each split into a file
 * (`tests/test_x.py`) and classes gives one (`tests/test_x.py::TestY::name`).
 */
function pytestNodeIds(classname: string, name: string): string[] {
  const parts = classname.split(".");
  if (parts.some((part) => part === "")) return [];
  return parts.map((_, i) =>
    [`${parts.slice(0, i + 1).join("/")}.py`, ...parts.slice(i + 1), name].join("::"),
  );
}

/** The `message` attribute of a `<failure>`/`<error>`/`<skipped>`, else its text. */
function detailOf(node: OrderedNode): string | undefined {
  const message = attr(node, "message");
  if (message && message !== "true") return message;
  const text = textOf(childrenOf(node, tagOf(node))).trim();
  return text === "" ? undefined : text;
}

function tagOf(node: OrderedNode): string {
  return Object.keys(node).find((key) => key !== ATTRS) ?? "";
}

function childrenOf(node: OrderedNode, tag: string): OrderedNode[] {
  const children = node[tag];
  return Array.isArray(children) ? (children as OrderedNode[]) : [];
}

function textOf(nodes: OrderedNode[]): string {
  let text = "";
  for (const node of nodes) {
    const value = node[TEXT];
    if (typeof value === "string") text += repairNodeQuotes(decodeEntities(value));
    const cdata = node[CDATA];
    if (Array.isArray(cdata)) text += textOf(cdata as OrderedNode[]);
  }
  return text;
}

/**
 * An attribute's decoded value. With `repair`, also undo node:test's double escaping of `"`.
 */
function attr(node: OrderedNode, name: string, repair = true): string | undefined {
  const attrs = node[ATTRS];
  if (typeof attrs !== "object" || attrs === null) return undefined;
  const raw = (attrs as Record<string, unknown>)[name];
  if (typeof raw !== "string") return undefined;
  const decoded = decodeEntities(raw);
  return repair ? repairNodeQuotes(decoded) : decoded;
}

const NAMED_ENTITIES: Record<string, string> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith("#")) {
      const code =
        ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/**
 * node:test's junit reporter turns `"` into `&quot;` and then escapes the `&` again, so a decoded
 * name still reads `&quot;`. Undo that second layer.
 */
function repairNodeQuotes(text: string): string {
  return text.replaceAll("&quot;", '"');
}
