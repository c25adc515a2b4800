import { z } from "zod";

/** What a tool hands back: text for the model, and whether the attempt ends with it. */
export interface ToolResult {
  text: string;
  final?:
    { kind: "submit"; summary: string } | { kind: "select"; proposalId: number; reason: string };
}

/** A tool the model may call: its name, what it is for, its arguments' schema, its work. */
export interface Tool {
  name: string;
  description: string;
  /** JSON Schema of the arguments, as the chat-completions `tools` field wants it. */
  parameters: Record<string, unknown>;
  /** Validates raw arguments and runs; throws ToolError (or any error) for the model to read. */
  run(args: unknown): Promise<ToolResult>;
}

/** A refusal or failure the model can act on; its message goes back to the model. */
export class ToolError extends Error {
  override name = "ToolError";
}

/** Builds a tool whose arguments are checked by a zod schema, the schema also giving the JSON Schema. */
export function defineTool<S extends z.ZodType>(definition: {
  name: string;
  description: string;
  schema: S;
  run: (args: z.infer<S>) => Promise<ToolResult | string>;
}): Tool {
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(definition.schema) as Record<
    string,
    unknown
  >;
  return {
    name: definition.name,
    description: definition.description,
    parameters,
    async run(args) {
      const parsed = definition.schema.safeParse(args);
      if (!parsed.success) {
        const problems = parsed.error.issues
          .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(arguments)"}: ${i.message}`)
          .join("; ");
        throw new ToolError(`invalid arguments for ${definition.name}: ${problems}`);
      }
      const result = await definition.run(parsed.data);
      return typeof result === "string" ? { text: result } : result;
    },
  };
}

/** Keeps at most `max` characters of a tool's output: the head and the tail, with a marker. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const half = Math.floor(max / 2);
  const dropped = text.length - 2 * half;
  return `${text.slice(0, half)}\n[... ${dropped} characters cut ...]\n${text.slice(text.length - half)}`;
}
