/** An annotation a step wrote with `::error::`, `::warning::` or `::notice::`. */
export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  title?: string;
  file?: string;
  line?: number;
}

/** Hides secrets in logs: every registered value (and each line of a multi-line one) becomes `***`. */
export class Masker {
  readonly #values = new Set<string>();

  add(value: string): void {
    if (value.trim() === "") return;
    this.#values.add(value);
    for (const line of value.split(/\r?\n/)) if (line.trim().length > 0) this.#values.add(line);
  }

  mask(text: string): string {
    // Longest first, so that a value containing another is hidden whole.
    const values = [...this.#values].sort((a, b) => b.length - a.length);
    let out = text;
    for (const value of values) out = out.split(value).join("***");
    return out;
  }
}

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n").replace(/%25/g, "%");
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/gi, ":").replace(/%2C/gi, ",");
}

const COMMAND = /^::([A-Za-z-]+)(?:\s+([^:]*))?::(.*)$/;

/**
 * Reads a step's output as the runner does: workflow commands (`::add-mask::`, `::error::`,
 * `::warning::`, `::notice::`, `::group::`, `::endgroup::`, `::stop-commands::`) are acted on
 * and logged the runner's way; `::set-output::` and `::save-state::` are deprecated and ignored;
 * every other line is kept. Returns the log lines (masked) and the annotations.
 */
export function processOutput(
  output: string,
  masker: Masker,
): { lines: string[]; annotations: Annotation[] } {
  const lines: string[] = [];
  const annotations: Annotation[] = [];
  let stopToken: string | undefined;
  const raw = output.endsWith("\n") ? output.slice(0, -1) : output;
  for (const line of raw === "" ? [] : raw.split("\n")) {
    const text = line.replace(/\r$/, "");
    const match = COMMAND.exec(text);
    if (!match) {
      lines.push(text);
      continue;
    }
    const [, name = "", props = "", value = ""] = match;
    const command = name.toLowerCase();
    if (stopToken !== undefined) {
      if (command === stopToken.toLowerCase()) stopToken = undefined;
      else lines.push(text);
      continue;
    }
    const data = unescapeData(value);
    switch (command) {
      case "add-mask":
        masker.add(data);
        break;
      case "error":
      case "warning":
      case "notice": {
        const properties = parseProperties(props);
        const lineNumber = Number(properties.line);
        annotations.push({
          level: command,
          message: data,
          ...(properties.title ? { title: properties.title } : {}),
          ...(properties.file ? { file: properties.file } : {}),
          ...(Number.isInteger(lineNumber) && lineNumber > 0 ? { line: lineNumber } : {}),
        });
        lines.push(`##[${command}]${data}`);
        break;
      }
      case "group":
        lines.push(`##[group]${data}`);
        break;
      case "endgroup":
        lines.push("##[endgroup]");
        break;
      case "stop-commands":
        stopToken = data;
        break;
      case "debug":
      case "echo":
      case "save-state":
        break;
      case "set-output":
        lines.push(
          "##[warning]The `set-output` command is deprecated and ignored by the sandbox; write to GITHUB_OUTPUT.",
        );
        break;
      default:
        lines.push(text);
    }
  }
  return {
    lines: lines.map((l) => masker.mask(l)),
    annotations: annotations.map((a) => ({
      ...a,
      message: masker.mask(a.message),
      ...(a.title ? { title: masker.mask(a.title) } : {}),
    })),
  };
}

function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(",")) {
    const equals = part.indexOf("=");
    if (equals > 0) out[part.slice(0, equals).trim()] = unescapeProperty(part.slice(equals + 1));
  }
  return out;
}
