/** A value read from a Python literal: tuples and sets become arrays, dicts null-prototype objects. */
export type PyValue = null | boolean | number | string | PyValue[] | { [key: string]: PyValue };
type PyDict = { [key: string]: PyValue };

/** Thrown for any text `parsePythonLiteral` does not accept; line and column are 1-based. */
export class PythonLiteralError extends Error {
  readonly offset: number;
  readonly line: number;
  readonly column: number;

  constructor(message: string, where: { offset: number; line: number; column: number }) {
    super(message);
    this.name = "PythonLiteralError";
    this.offset = where.offset;
    this.line = where.line;
    this.column = where.column;
  }
}

/** Python's own limit ("too many nested parentheses"); deeper input is rejected, never recursed. */
const MAX_DEPTH = 200;
const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v",
}; // prettier-ignore
const HEX_ESCAPE_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };
const D = "[0-9](?:_?[0-9])*";
const INT_RE =
  /^(?:[1-9](?:_?[0-9])*|0(?:_?0)*|0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+)$/;
const FLOAT_RE = new RegExp(
  `^(?:(?:${D}\\.(?:${D})?|\\.${D})(?:[eE][+-]?${D})?|${D}[eE][+-]?${D})$`,
);
const NUMBER_TOKEN_RE = /\.?[0-9](?:[eE][+-]|[0-9a-zA-Z_.])*/y;
const WORD_RE = /[\p{L}\p{N}_]+/uy;
const PREFIX_RE = /([a-zA-Z]{1,2})?(['"])/y;
const CLOSERS: Record<string, "]" | ")" | "}" | undefined> = { "[": "]", "(": ")", "{": "}" };
const NAMES: Record<string, PyValue> = { True: true, False: false, None: null };
/** Runs of string body that need no attention, to skip them in one step. */
const SINGLE_PLAIN_RE = /[^'\\\r\n]*/y;
const DOUBLE_PLAIN_RE = /[^"\\\r\n]*/y;
const EMPTY_SET_RE = /set[ \t\n\r\f]*\([ \t\n\r\f]*\)/y;

type Frame = {
  closer: "]" | ")" | "}";
  start: number;
  items: PyValue[];
  /** Set once a `{` turns out to hold `key: value` pairs rather than a set. */
  dict?: PyDict;
  pendingKey?: string | undefined;
  sawComma?: boolean;
};

/** One parsed element on its way up: the value, where it began, and its Python `str()` if hashable. */
type Item = { value: PyValue; start: number; key: string | undefined };

/**
 * Reads one Python literal as `ast.literal_eval` accepts it: str (quotes, triple quotes, r/u
 * prefixes, every escape but `\N{...}`, implicit concatenation), int, float, True, False, None,
 * list, tuple, dict, set and `set()`. Dicts become null-prototype objects whose keys are Python's
 * `str()` of the key ("1", "True", "None"); a repeated key keeps its last value, as in Python.
 * Differences from Python: comments, bytes, complex numbers and `-(1)` are rejected; ints beyond
 * 2^53 lose precision as in `JSON.parse` (dict keys keep every digit); sets keep source order and
 * duplicates; keys Python treats as equal but spells differently (1, 1.0, True) stay distinct.
 * Nesting is limited to 200 levels, like Python; the parser never recurses.
 * @throws PythonLiteralError naming the line, column, what was expected and what was found.
 */
export function parsePythonLiteral(text: string): PyValue {
  return new Reader(text).document();
}

class Reader {
  private readonly text: string;
  private pos = 0;
  /** Python `str()` of the last scalar read, which is how it is spelled as a dict key. */
  private scalarKey: string | undefined;
  /** The string being decoded; V8 appends to a string in constant time. */
  private out = "";

  constructor(text: string) {
    this.text = text;
  }

  document(): PyValue {
    const stack: Frame[] = [];
    for (;;) {
      let item = this.openOrScalar(stack);
      if (item === undefined) continue;
      for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
        if (!this.addToFrame(frame, item)) break;
        stack.pop();
        item = finish(frame, item);
      }
      if (stack.length === 0) {
        this.skipSpace();
        if (this.pos < this.text.length) throw this.error("expected end of input");
        return item.value;
      }
    }
  }

  /** Pushes a frame for `[`, `(` or `{` (returning undefined) or reads a complete value. */
  private openOrScalar(stack: Frame[]): Item | undefined {
    this.skipSpace();
    const start = this.pos;
    const closer = CLOSERS[this.text[start] ?? ""];
    if (closer === undefined) return { value: this.scalar(), start, key: this.scalarKey };
    if (stack.length >= MAX_DEPTH) throw this.error(`nesting deeper than ${MAX_DEPTH} levels`);
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] !== closer) {
      stack.push({ closer, start, items: [] });
      return undefined;
    }
    this.pos++;
    const value = closer === "}" ? (Object.create(null) as PyDict) : [];
    return { value, start, key: undefined };
  }

  /** Adds a finished element to the innermost container; true when that container just closed. */
  private addToFrame(frame: Frame, item: Item): boolean {
    this.skipSpace();
    const firstInBrace = frame.closer === "}" && frame.dict === undefined && !frame.items.length;
    if (firstInBrace && this.text[this.pos] === ":") frame.dict = Object.create(null) as PyDict;
    if (frame.dict !== undefined) {
      if (frame.pendingKey === undefined) {
        if (item.key === undefined) {
          throw this.error("dict keys must be strings, numbers, True, False or None", item.start);
        }
        if (this.text[this.pos] !== ":") throw this.error("expected ':'");
        this.pos++;
        frame.pendingKey = item.key;
        return false;
      }
      frame.dict[frame.pendingKey] = item.value;
      frame.pendingKey = undefined;
    } else {
      frame.items.push(item.value);
    }
    const c = this.text[this.pos];
    if (c === frame.closer) {
      this.pos++;
      return true;
    }
    if (c !== ",") {
      throw this.error(`expected ${firstInBrace ? "':', " : ""}',' or '${frame.closer}'`);
    }
    this.pos++;
    frame.sawComma = true;
    this.skipSpace();
    if (this.text[this.pos] !== frame.closer) return false;
    this.pos++;
    return true;
  }

  /** Reads a string, number or name, leaving its Python `str()` in `scalarKey`. */
  private scalar(): PyValue {
    const c = this.text[this.pos] ?? "";
    if (c === "-" || c === "+") {
      this.pos++;
      this.skipSpace();
      if (!this.atNumber()) throw this.error(`expected a number after '${c}'`);
      return this.number(c === "-");
    }
    if (this.atNumber()) return this.number(false);
    if (this.atString()) return (this.scalarKey = this.strings());
    WORD_RE.lastIndex = this.pos;
    const word = WORD_RE.exec(this.text)?.[0];
    if (word !== undefined && Object.hasOwn(NAMES, word)) {
      this.pos += word.length;
      this.scalarKey = word;
      return NAMES[word] ?? null;
    }
    EMPTY_SET_RE.lastIndex = this.pos;
    if (EMPTY_SET_RE.test(this.text)) {
      this.pos = EMPTY_SET_RE.lastIndex;
      this.scalarKey = undefined;
      return [];
    }
    throw this.error("expected a value");
  }

  private atNumber(): boolean {
    const c = this.text[this.pos] === "." ? this.text[this.pos + 1] : this.text[this.pos];
    return c !== undefined && c >= "0" && c <= "9";
  }

  private atString(): boolean {
    PREFIX_RE.lastIndex = this.pos;
    return PREFIX_RE.test(this.text);
  }

  private number(negative: boolean): number {
    const start = this.pos;
    NUMBER_TOKEN_RE.lastIndex = start;
    const token = NUMBER_TOKEN_RE.exec(this.text)?.[0] ?? "";
    const digits = token.replaceAll("_", "");
    const isInt = INT_RE.test(token);
    if (!isInt && !FLOAT_RE.test(token)) {
      const complex = /[jJ]$/.test(token) && FLOAT_RE.test(`${token.slice(0, -1)}e0`);
      const problem = complex ? "complex numbers are not supported" : "invalid number literal";
      throw this.error(problem, start);
    }
    this.pos += token.length;
    const magnitude = Number(digits);
    if (isInt) {
      const exact = BigInt(digits);
      this.scalarKey = String(negative ? -exact : exact);
      return negative && magnitude !== 0 ? -magnitude : magnitude;
    }
    const value = negative ? -magnitude : magnitude;
    this.scalarKey = pythonFloatRepr(value);
    return value;
  }

  /** Reads one or more adjacent string literals, which Python concatenates. */
  private strings(): string {
    this.out = "";
    do {
      PREFIX_RE.lastIndex = this.pos;
      const [, prefix = "", quote = ""] = PREFIX_RE.exec(this.text) ?? [];
      const lower = prefix.toLowerCase();
      if (lower.includes("b") || lower.includes("f")) {
        const what = lower.includes("b") ? "bytes literals" : "f-strings";
        throw this.error(`${what} are not supported`, this.pos, false);
      }
      if (lower !== "" && lower !== "r" && lower !== "u") throw this.error("expected a value");
      this.pos += prefix.length;
      this.stringBody(quote, lower === "r");
      this.skipSpace();
    } while (this.atString());
    return this.out;
  }

  /** Appends the decoded body of the string whose opening quote is at `pos` to `out`. */
  private stringBody(quote: string, raw: boolean): void {
    const { text } = this;
    const start = this.pos;
    const triple = text.startsWith(quote.repeat(3), start);
    let i = start + (triple ? 3 : 1);
    let chunk = i;
    const plain = quote === "'" ? SINGLE_PLAIN_RE : DOUBLE_PLAIN_RE;
    for (;;) {
      plain.lastIndex = i;
      plain.test(text);
      i = plain.lastIndex;
      const c = text[i];
      if (c === undefined || (!triple && (c === "\n" || c === "\r"))) {
        throw this.error(`unterminated string literal (opened with ${quote})`, start, false);
      }
      if (c === quote && (!triple || text.startsWith(quote.repeat(3), i))) break;
      if (c === "\r") {
        this.out += text.slice(chunk, i) + "\n"; // Python reads \r\n and \r in source as \n
        i += text[i + 1] === "\n" ? 2 : 1;
        chunk = i;
      } else if (c !== "\\") {
        i++;
      } else if (raw && text[i + 1] === "\r") {
        this.out += text.slice(chunk, i + 1) + "\n"; // a raw string keeps the backslash
        i += text[i + 2] === "\n" ? 3 : 2;
        chunk = i;
      } else if (raw) {
        i += text[i + 1] === undefined ? 1 : 2;
      } else {
        this.out += text.slice(chunk, i);
        i = this.escape(i);
        chunk = i;
      }
    }
    this.out += text.slice(chunk, i);
    this.pos = i + (triple ? 3 : 1);
  }

  /** Decodes the escape whose backslash is at `at`; returns the offset just after it. */
  private escape(at: number): number {
    const c = this.text[at + 1] ?? "";
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      this.out += simple;
      return at + 2;
    }
    if (c === "\n") return at + 2;
    if (c === "\r") return at + (this.text[at + 2] === "\n" ? 3 : 2);
    if (c >= "0" && c <= "7") {
      const octal = /^[0-7]{1,3}/.exec(this.text.slice(at + 1, at + 4))?.[0] ?? c;
      this.out += String.fromCharCode(parseInt(octal, 8));
      return at + 1 + octal.length;
    }
    const length = HEX_ESCAPE_LENGTH[c];
    if (length !== undefined) {
      const hex = this.text.slice(at + 2, at + 2 + length);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length < length) {
        throw this.error(`truncated \\${c}${"X".repeat(length)} escape`, at, false);
      }
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) throw this.error(`illegal Unicode character \\U${hex}`, at, false);
      this.out += String.fromCodePoint(code);
      return at + 2 + length;
    }
    if (c === "N") throw this.error("\\N{...} escapes are not supported", at, false);
    this.out += "\\"; // Python keeps unknown escapes such as \d as they are
    return at + 1;
  }

  /** Skips spaces, tabs, form feeds, newlines and backslash line continuations. */
  private skipSpace(): void {
    const { text } = this;
    for (;;) {
      const c = text[this.pos];
      const next = text[this.pos + 1];
      if (c === " " || c === "\n" || c === "\t" || c === "\r" || c === "\f") this.pos++;
      else if (c === "\\" && (next === "\n" || next === "\r")) this.pos += 2;
      else if (c === "#") throw this.error("comments are not supported", this.pos, false);
      else return;
    }
  }

  /** Builds the error, naming by default what stands at `offset`. */
  private error(what: string, offset = this.pos, showFound = true): PythonLiteralError {
    const before = this.text.slice(0, offset);
    const line = before.split(/\r\n|\r|\n/).length;
    const column = offset - Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r"));
    const where = `${what} at line ${line}, column ${column}`;
    const message = showFound ? `${where}, found ${describeAt(this.text, offset)}` : where;
    return new PythonLiteralError(message, { offset, line, column });
  }
}

/** The value a container stands for once closed; a parenthesised single value is that value. */
function finish(frame: Frame, last: Item): Item {
  if (frame.closer === ")" && !frame.sawComma) return { ...last, start: frame.start };
  return { value: frame.dict ?? frame.items, start: frame.start, key: undefined };
}

function describeAt(text: string, offset: number): string {
  if (offset >= text.length) return "end of input";
  NUMBER_TOKEN_RE.lastIndex = WORD_RE.lastIndex = offset;
  const token = (NUMBER_TOKEN_RE.exec(text) ?? WORD_RE.exec(text))?.[0].slice(0, 30);
  const snippet = token ?? String.fromCodePoint(text.codePointAt(offset) ?? 0);
  if (snippet === "'") return `"'"`;
  return `'${JSON.stringify(snippet).slice(1, -1).replace('\\"', '"')}'`;
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
function pythonFloatRepr(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf"; // 1e400 reads as inf
  const [mantissa = "", exp = "0"] = Math.abs(value).toExponential().split("e");
  const exponent = Number(exp);
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  const digits = mantissa.replace(".", "");
  if (exponent < -4 || exponent >= 16) {
    const e = `${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
    return `${sign}${digits[0]}${digits.length > 1 ? "." : ""}${digits.slice(1)}e${e}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  return `${sign}${whole}.${digits.slice(exponent + 1) || "0"}`;
}
