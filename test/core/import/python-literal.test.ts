import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PythonLiteralError,
  parsePythonLiteral,
  type PyValue,
} from "../../../src/core/import/python-literal.ts";

const SAMPLE_CSV = fileURLToPath(
  new URL(
    "../../../../shared/datasets/swe-lancer/swelancer_tasks_lite.sample.csv",
    import.meta.url,
  ),
);
const HAS_PYTHON = spawnSync("python3", ["--version"]).status === 0;
const NO_PYTHON = HAS_PYTHON ? "" : " (skipped: python3 is not on PATH)";
const NO_SAMPLE = !HAS_PYTHON
  ? NO_PYTHON
  : existsSync(SAMPLE_CSV) ? "" : ` (skipped: ${SAMPLE_CSV} is absent)`; // prettier-ignore

/** Python helper that turns literal_eval results into JSON the way the reader maps them. */
const PY_TO_JSON = `
import ast, json, sys
def conv(v):
    if isinstance(v, dict): return {str(k): conv(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)): return [conv(x) for x in v]
    if isinstance(v, (set, frozenset)): return sorted(conv(x) for x in v)
    return v
`;

/** Runs a python3 script with `input` on stdin and returns its stdout lines. */
function runPython(script: string, input: string, args: string[] = []): string[] {
  const result = spawnSync("python3", ["-c", script, ...args], {
    input,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (result.status !== 0) throw new Error(`python3 failed: ${result.stderr}`);
  return result.stdout.split("\n").filter((line) => line !== "");
}

function dict(entries: [string, PyValue][]): PyValue {
  const out = Object.create(null) as { [key: string]: PyValue };
  for (const [key, value] of entries) out[key] = value;
  return out;
}

function errorOf(text: string): PythonLiteralError {
  try {
    parsePythonLiteral(text);
  } catch (error) {
    if (error instanceof PythonLiteralError) return error;
    throw error;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe("parsePythonLiteral: strings", () => {
  it("reads single, double and triple quotes with r/u prefixes", () => {
    expect(parsePythonLiteral(`'it"s'`)).toBe('it"s');
    expect(parsePythonLiteral(`"it's"`)).toBe("it's");
    expect(parsePythonLiteral(`'''a 'b' ''c'' "d"\nline'''`)).toBe(`a 'b' ''c'' "d"\nline`);
    expect(parsePythonLiteral(`"""x""y"""`)).toBe('x""y');
    expect(parsePythonLiteral(String.raw`r'C:\new\t' R"\d+\"" r'\''`)).toBe(
      String.raw`C:\new\t\d+\"\'`,
    );
    expect(parsePythonLiteral(String.raw`u'\x41' U"b"`)).toBe("Ab");
    expect(parsePythonLiteral(String.raw`r'''a\'''b'''`)).toBe(String.raw`a\'''b`);
    expect(parsePythonLiteral("''")).toBe("");
    expect(parsePythonLiteral("'é中😀'")).toBe("é中😀");
  });
  it("concatenates adjacent literals across whitespace and newlines", () => {
    expect(parsePythonLiteral(`'a' "b"'''c'''\n  r'\\d'`)).toBe("abc\\d");
    expect(parsePythonLiteral(`['a'\n 'b', 'c']`)).toEqual(["ab", "c"]);
  });
  it("decodes every Python escape", () => {
    expect(parsePythonLiteral(String.raw`'\\ \' \" \a \b \f \n \r \t \v'`)).toBe(
      "\\ ' \" \x07 \b \f \n \r \t \v",
    );
    expect(parsePythonLiteral(String.raw`'\0\7\77\101\1012\400\777\08'`)).toBe(
      "\0\x07?AA2\u0100\u01ff\x008",
    );
    expect(parsePythonLiteral(String.raw`'\x41\xfF\u00e9\u20AC\U0001F600\U00010000'`)).toBe(
      "Aÿé€😀\u{10000}",
    );
    expect(parsePythonLiteral(String.raw`'\ud800'`)).toBe("\ud800");
    expect(parsePythonLiteral(String.raw`'\d\w \q\8\ '`)).toBe(String.raw`\d\w \q\8\ `);
  });
  it("treats backslash-newline as a line continuation, and raw CR/CRLF as newlines", () => {
    expect(parsePythonLiteral("'ab\\\ncd\\\r\nef\\\rg'")).toBe("abcdefg");
    expect(parsePythonLiteral("r'a\\\nb'")).toBe("a\\\nb");
    expect(parsePythonLiteral("r'a\\\r\nb'")).toBe("a\\\nb");
    expect(parsePythonLiteral("'''a\r\nb\rc'''")).toBe("a\nb\nc");
  });
});

describe("parsePythonLiteral: numbers and names", () => {
  it("reads ints in every base with separators and signs", () => {
    const text = "[0, 00, 7, -7, + 7, 1_000_000, 0x1F, 0XfF, 0x_de_ad, 0o17, 0O7, 0b1010, -0, 0_0]";
    expect(parsePythonLiteral(text)).toEqual([
      0, 0, 7, -7, 7, 1e6, 31, 255, 0xdead, 15, 7, 10, 0, 0,
    ]);
  });
  it("reads floats, keeping -0.0 and Python's overflow to infinity", () => {
    const text = "[1.0, .5, 5., 1e-3, 1E3, 1_000.5, 1.5e+10, 5.e3, 01.5, 8000.0, -0.0, -.5, 1e400]";
    expect(parsePythonLiteral(text)).toEqual([
      1,
      0.5,
      5,
      0.001,
      1000,
      1000.5,
      1.5e10,
      5000,
      1.5,
      8000,
      -0,
      -0.5,
      Infinity,
    ]);
  });
  it("returns ints beyond 2^53 as the nearest double", () => {
    expect(parsePythonLiteral("123456789012345678901")).toBe(Number(123456789012345678901n));
    expect(parsePythonLiteral("-9007199254740993")).toBe(-9007199254740992);
  });
  it("reads True, False and None", () => {
    expect(parsePythonLiteral("[True, False, None]")).toEqual([true, false, null]);
  });
});

describe("parsePythonLiteral: containers", () => {
  it("reads lists, tuples, sets and dicts, with trailing commas", () => {
    expect(parsePythonLiteral("[1, [2, []], 3,]")).toEqual([1, [2, []], 3]);
    expect(parsePythonLiteral("((), (1,), (1), ((2)), (1, 2,))")).toEqual([[], [1], 1, 2, [1, 2]]);
    expect(parsePythonLiteral("[{1, 2,}, {'a'}, set(), set ( )]")).toEqual([[1, 2], ["a"], [], []]);
    expect(parsePythonLiteral("{'a': {'b': [1, {}]}, 'c': (),}")).toEqual(
      dict([
        ["a", dict([["b", [1, dict([])]]])],
        ["c", []],
      ]),
    );
  });
  it("reads the SWE-Lancer shapes", () => {
    const prompt = "[{'content': 'You are...\\n', 'role': 'user'}]";
    expect(parsePythonLiteral(prompt)).toEqual([
      dict([
        ["content", "You are...\n"],
        ["role", "user"],
      ]),
    ]);
    const manager = "{'game': {'correct_proposal': {'id': 2}, 'ok': True}, 'price': 8000.0}";
    expect(parsePythonLiteral(manager)).toEqual(
      dict([
        [
          "game",
          dict([
            ["correct_proposal", dict([["id", 2]])],
            ["ok", true],
          ]),
        ],
        ["price", 8000],
      ]),
    );
  });
  it("spells non-string keys as Python's str() does", () => {
    const text = "{1: 'a', -2: 'b', 0x10: 'c', 2.5: 'd', 1e16: 'e', 1e-5: 'f', -0.0: 'g', True: 'h',"
      + " None: 'i', (7): 'j', 123456789012345678901: 'k', 100.0: 'l', 1e400: 'm'}"; // prettier-ignore
    const keys = Object.keys(parsePythonLiteral(text) as object);
    expect(keys.sort()).toEqual(
      ["1", "-2", "16", "2.5", "1e+16", "1e-05", "-0.0", "True", "None", "7"]
        .concat(["123456789012345678901", "100.0", "inf"])
        .sort(),
    );
  });
  it("keeps __proto__ and other Object.prototype names as plain keys", () => {
    const value = parsePythonLiteral("{'__proto__': {'polluted': True}, 'constructor': 1}");
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value as object)).toEqual(["__proto__", "constructor"]);
    expect((value as Record<string, PyValue>)["__proto__"]).toEqual(dict([["polluted", true]]));
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
  it("allows any whitespace and line continuations between tokens", () => {
    expect(parsePythonLiteral(" \t[ 1 ,\n\n 2 \f , \r\n 3 ,\\\n 4 ]\n ")).toEqual([1, 2, 3, 4]);
  });
  it("handles nesting up to Python's 200 levels without recursion", () => {
    expect(parsePythonLiteral("[".repeat(50) + "]".repeat(50))).toHaveLength(1);
    expect(JSON.stringify(parsePythonLiteral("[".repeat(200) + "]".repeat(200)))).toHaveLength(400);
    expect(parsePythonLiteral("(".repeat(200) + "1" + ")".repeat(200))).toBe(1);
    expect(errorOf("[".repeat(201) + "]".repeat(201)).message).toBe(
      "nesting deeper than 200 levels at line 1, column 201, found '['",
    );
    expect(errorOf("[{".repeat(50_000) + "}]".repeat(50_000)).column).toBe(201);
  });
});

describe("parsePythonLiteral: errors", () => {
  it.each([
    ["[1, 2 x]", "expected ',' or ']' at line 1, column 7, found 'x'"],
    ["[1,\n 2,\n  3 xyz]", "expected ',' or ']' at line 3, column 5, found 'xyz'"],
    ["(1, 2", "expected ',' or ')' at line 1, column 6, found end of input"],
    ["{'a' 1}", "expected ':', ',' or '}' at line 1, column 6, found '1'"],
    ["{1: 2, 3}", "expected ':' at line 1, column 9, found '}'"],
    ["{1, 2: 3}", "expected ',' or '}' at line 1, column 6, found ':'"],
    ["{'a': }", "expected a value at line 1, column 7, found '}'"],
    ["[1,,]", "expected a value at line 1, column 4, found ','"],
    ["[", "expected a value at line 1, column 2, found end of input"],
    ["", "expected a value at line 1, column 1, found end of input"],
    ["[foo]", "expected a value at line 1, column 2, found 'foo'"],
    ["true", "expected a value at line 1, column 1, found 'true'"],
    ["[...]", "expected a value at line 1, column 2, found '.'"],
    ['"a"\u00a0', "expected end of input at line 1, column 4, found '\u00a0'"],
    ["1 2", "expected end of input at line 1, column 3, found '2'"],
    ["[1]]", "expected end of input at line 1, column 4, found ']'"],
    [
      "{[1]: 2}",
      "dict keys must be strings, numbers, True, False or None at line 1, column 2, found '['",
    ],
    [
      "{(1, 2): 3}",
      "dict keys must be strings, numbers, True, False or None at line 1, column 2, found '('",
    ],
    ["-x", "expected a number after '-' at line 1, column 2, found 'x'"],
    ["--1", "expected a number after '-' at line 1, column 2, found '-'"],
    ["-True", "expected a number after '-' at line 1, column 2, found 'True'"],
    ["1__0", "invalid number literal at line 1, column 1, found '1__0'"],
    ["[1_]", "invalid number literal at line 1, column 2, found '1_'"],
    ["07", "invalid number literal at line 1, column 1, found '07'"],
    ["0x", "invalid number literal at line 1, column 1, found '0x'"],
    ["1.5.2", "invalid number literal at line 1, column 1, found '1.5.2'"],
    ["1e", "invalid number literal at line 1, column 1, found '1e'"],
    ["[2j]", "complex numbers are not supported at line 1, column 2, found '2j'"],
    ["'abc", "unterminated string literal (opened with ') at line 1, column 1"],
    ["\n  'ab\ncd'", "unterminated string literal (opened with ') at line 2, column 3"],
    ['"""abc""', 'unterminated string literal (opened with ") at line 1, column 1'],
    ["'abc\\", "unterminated string literal (opened with ') at line 1, column 1"],
    ["b'x'", "bytes literals are not supported at line 1, column 1"],
    ["['a' Rb'x']", "bytes literals are not supported at line 1, column 6"],
    ["f'{x}'", "f-strings are not supported at line 1, column 1"],
    ["ur'x'", "expected a value at line 1, column 1, found 'ur'"],
    ["'\\x4'", "truncated \\xXX escape at line 1, column 2"],
    ["'ab\\u12g4'", "truncated \\uXXXX escape at line 1, column 4"],
    ["'\\U0001F60'", "truncated \\UXXXXXXXX escape at line 1, column 2"],
    ["'\\U00110000'", "illegal Unicode character \\U00110000 at line 1, column 2"],
    ["'\\N{EM DASH}'", "\\N{...} escapes are not supported at line 1, column 2"],
    ["[1] # note", "comments are not supported at line 1, column 5"],
  ])("rejects %j", (text, message) => {
    expect(errorOf(text).message).toBe(message);
  });
  it("carries offset, line and column, counting CRLF as one line break", () => {
    const error = errorOf("[1,\r\n 2,\r\n  3 ?]");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("PythonLiteralError");
    expect([error.offset, error.line, error.column]).toEqual([14, 3, 5]);
    expect(error.message).toBe("expected ',' or ']' at line 3, column 5, found '?'");
  });
});

describe("parsePythonLiteral: long fields", () => {
  // Its speed is a benchmark's (bench/python-literal.ts), not a test's.
  it("reads an escape-heavy literal of 100 KB exactly", () => {
    const body =
      "Line with \\'quotes\\', \\\"dq\\\", tabs\\t, \\xe9 \\u20ac \\U0001f600 and more\\r\\n";
    const repeats = Math.ceil(100_000 / body.length);
    const field = `[{'content': '${body.repeat(repeats)}', 'role': 'user'}]`;
    const decoded = "Line with 'quotes', \"dq\", tabs\t, \u00e9 \u20ac \u{1f600} and more\r\n";
    expect(parsePythonLiteral(field)).toEqual([{ content: decoded.repeat(repeats), role: "user" }]);
  });
});

type Key = { s: string } | { i: bigint } | { b: boolean } | { n: null };
type Model = Key | { f: number } | { l: Model[] } | { t: Model[] } | { d: [Key, Model][] };

const charArb = fc.oneof(
  fc.constantFrom(
    ..."'\"\\\n\r\t\0\x07\x7f\x85\u00a0\u2028\ufeff😀\u{10ffff}é",
    "\ud800",
    "\udfff",
    "'''",
  ),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.string({ unit: "binary-ascii", minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
);
const keyArb: fc.Arbitrary<Key> = fc.oneof(
  fc.string({ unit: charArb, maxLength: 8 }).map((s) => ({ s })),
  fc.constantFrom("__proto__", "constructor", "toString", "1", "True", "None").map((s) => ({ s })),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((i) => ({ i })),
  fc.bigInt({ min: -3n, max: 3n }).map((i) => ({ i })),
  fc.boolean().map((b) => ({ b })),
  fc.constant({ n: null }),
);
const scalarArb: fc.Arbitrary<Model> = fc.oneof(
  keyArb,
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((f) => ({ f })),
  fc.constantFrom(0, -0, 1, 0.1, 1e16, 1e-5, 8000, 123456789.125).map((f) => ({ f })),
);
const { model: modelArb } = fc.letrec<{ model: Model }>((tie) => ({
  model: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarArb,
    fc.array(tie("model"), { maxLength: 5 }).map((l) => ({ l })),
    fc.array(tie("model"), { maxLength: 4 }).map((t) => ({ t })),
    fc.array(fc.tuple(keyArb, tie("model")), { maxLength: 5 }).map((d) => ({ d })),
  ),
}));

/** Builds each model as a Python value and prints its repr(), one JSON string a line. */
const PY_REPR = `
import json, sys
def build(w):
    [(k, v)] = w.items()
    if k == 'i': return int(v)
    if k == 'f': return float(v)
    if k == 'l': return [build(x) for x in v]
    if k == 't': return tuple(build(x) for x in v)
    if k == 'd': return {build(a): build(b) for a, b in v}
    return v
for w in json.loads(sys.stdin.buffer.read()):
    print(json.dumps(repr(build(w))))
`;

/** JSON loses -0 and cannot hold bigints, so floats and ints travel as text. */
const floatText = (value: number): string => (Object.is(value, -0) ? "-0.0" : String(value));

function toWire(models: Model[]): string {
  return JSON.stringify(models, (key, value: unknown) => {
    if (key === "i") return (value as bigint).toString();
    return key === "f" ? floatText(value as number) : value;
  });
}

function expectedOf(model: Model): PyValue {
  if ("i" in model) return Number(model.i);
  if ("l" in model) return model.l.map(expectedOf);
  if ("t" in model) return model.t.map(expectedOf);
  if ("d" in model) return expectedDict(model.d);
  return "s" in model ? model.s : "f" in model ? model.f : "b" in model ? model.b : null;
}

/** Python merges keys that compare equal (1 == True) keeping the first key and the last value. */
function expectedDict(pairs: [Key, Model][]): PyValue {
  const merged = new Map<string, [string, PyValue]>();
  for (const [key, value] of pairs) {
    const [identity, text] =
      "s" in key ? ["s" + key.s, key.s]
      : "i" in key ? [String(key.i), String(key.i)]
      : "b" in key ? [key.b ? "1" : "0", key.b ? "True" : "False"]
      : ["None", "None"]; // prettier-ignore
    merged.set(identity, [merged.get(identity)?.[0] ?? text, expectedOf(value)]);
  }
  return dict([...merged.values()]);
}

describe.skipIf(!HAS_PYTHON)(`parsePythonLiteral against python3${NO_PYTHON}`, () => {
  it("reads back python3's repr() of 600 random values", () => {
    const seed = Number(process.env["FUZZ_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
    const models = fc.sample(modelArb, { numRuns: 600, seed });
    const reprs = runPython(PY_REPR, toWire(models)).map((line) => JSON.parse(line) as string);
    expect(reprs).toHaveLength(models.length);
    models.forEach((model, index) => {
      const repr = reprs[index]!;
      expect(parsePythonLiteral(repr), `FUZZ_SEED=${seed}: ${repr}`).toEqual(expectedOf(model));
    });
  });

  it("reads python3's repr() of random floats exactly, also as dict keys", () => {
    const floats = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), 500);
    const script = "import json,sys\nfor f in json.load(sys.stdin): print(repr(float(f)))";
    const reprs = runPython(script, JSON.stringify(floats.map(floatText)));
    floats.forEach((value, index) => {
      const repr = reprs[index]!;
      expect(Object.is(parsePythonLiteral(repr), value), repr).toBe(true);
      expect(Object.keys(parsePythonLiteral(`{${repr}: 0}`) as object)).toEqual([repr]);
    });
  });

  it("agrees with ast.literal_eval on tricky snippets", () => {
    const snippets = [
      String.raw`[r'C:\new\table', R"\d+\.\w", r'\'', r"\"", r'''a\'''b''', u'\x41']`,
      "['''line1\nline2 'q' \"dq\"\ttab''', \"\"\"x\"\"y\"\"\", '''a\r\nb\rc''']",
      String.raw`'\0\7\77\101\1012\400\777\8\9'`,
      String.raw`'\x41\x7e\xff\u00e9\u20ac\U0001F600\U00010000\ud83d\ude00\udfff'`,
      String.raw`['\\ \' \" \a \b \f \n \r \t \v', '\d \w \q \ \z']`,
      "['abc\\\ndef', 'x\\\r\ny', r'r\\\nz', [1,\\\n 2]]",
      "['a' \"b\" '''c''' r'\\d' u'e', ('x'\n 'y',)]",
      "[0x1F, 0XfF, 0o17, 0O7, 0b1010, 0B1, 1_000_000, 0x_dead_beef, 00, 0, -0, 9007199254740993]",
      "[1.0, .5, 5., 1e-3, 1E3, 1_000.5, 1.5e+10, 8000.0, -0.0, +1.5, - 2, 1e16, 1e-5, 0.1, 1e308]",
      "[{1, 2, 3}, {'a', 'b'}, set(), {(1)}, {-1, 2,}]",
      "[(), (1,), (1), ((1, 2), (3,), ()), (((1))), (1, 2,)]",
      "[[1, 2,], {'a': 1,}, [], {}, [[]], [{}]]",
      "{1: 'int', 2.5: 'float', False: 'bool', None: 'none', -3: 'neg', 1e16: 'e', (7): 'paren'}",
      "{'__proto__': {'polluted': True}, 'constructor': 1, 'toString': 2, 'hasOwnProperty': [3]}",
      " \t[ 1 ,\n\n 2 \f , \r\n 3 ] \n",
      "[{'content': 'You are...\\n', 'role': 'user'}]",
      "['é中文😀', \"it's\", 'say \"hi\"', '\\'both\\' \"kinds\"', '\u2028\u00a0']",
      "{'nested': {'list': [True, False, None, {'x': (1, [2, {'y': ''}])}]}, 'price': 8000.0}",
    ];
    const script = `${PY_TO_JSON}
for text in json.loads(sys.stdin.buffer.read()):
    print(json.dumps(conv(ast.literal_eval(text))))`;
    const expected = runPython(script, JSON.stringify(snippets));
    snippets.forEach((text, index) => {
      expect(parsePythonLiteral(text), text).toEqual(JSON.parse(expected[index]!));
    });
  });
});

type CsvRow = Record<string, string>;

describe("parsePythonLiteral on the SWE-Lancer sample", () => {
  it.skipIf(NO_SAMPLE !== "")(
    `reads every prompt, manager_data and acceptable_folders like ast.literal_eval${NO_SAMPLE}`,
    () => {
      const columns = ["prompt", "manager_data", "acceptable_folders"] as const;
      const script = `${PY_TO_JSON}
import csv
csv.field_size_limit(1 << 30)
with open(sys.argv[1], newline='', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        print(json.dumps({c: conv(ast.literal_eval(row[c])) if row[c] else None for c in ${JSON.stringify(columns)}}))`;
      const expected = runPython(script, "", [SAMPLE_CSV]);
      const rows: CsvRow[] = parseCsv(readFileSync(SAMPLE_CSV, "utf8"), { columns: true });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows).toHaveLength(expected.length);
      const start = performance.now();
      const actual = rows.map((row) =>
        Object.fromEntries(columns.map((c) => [c, row[c] ? parsePythonLiteral(row[c]) : null])),
      );
      expect(performance.now() - start).toBeLessThan(1000);
      actual.forEach((row, index) => {
        expect(row, rows[index]!["question_id"]).toEqual(JSON.parse(expected[index]!));
      });
    },
  );
});
