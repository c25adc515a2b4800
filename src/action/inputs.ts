import { z } from "zod";
import { TaskId } from "../core/task/schema.ts";

/** Reads one raw input as the runner gives it ("" when absent). */
export type InputReader = (name: string) => string;

export class InputError extends Error {
  override name = "InputError";
}

const text = z.string().trim();
const optionalText = text.transform((v) => (v === "" ? undefined : v));

const wholeNumber = (what: string, max = Number.MAX_SAFE_INTEGER) =>
  optionalText.pipe(
    z
      .string()
      .regex(/^[1-9]\d*$/, `expected ${what}`)
      .transform(Number)
      .refine((n) => n <= max, `expected ${what}, at most ${max}`)
      .optional(),
  );

/** GitHub runs a job for at most 5 days (self-hosted runners); no test run may take longer. */
const MAX_TIMEOUT_MINUTES = 5 * 24 * 60;

const privateKey = optionalText.pipe(
  z
    .string()
    .regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, "expected a PEM private key (the app's .pem file)")
    .optional(),
);

const repositoryName = optionalText.pipe(
  z
    .string()
    .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, "expected owner/name")
    .optional(),
);

/** `owner/name[@ref]`, or any other text taken as a folder. */
export type BankLocation =
  | { kind: "folder"; path: string }
  | { kind: "repository"; owner: string; repo: string; ref: string | undefined };

export function parseBankLocation(value: string): BankLocation {
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)(?:@([^\s@]+))?$/.exec(value);
  // A relative folder such as `fixtures/tasks` looks like owner/name; "./" makes it a folder.
  if (!match || value.startsWith(".")) return { kind: "folder", path: value };
  return { kind: "repository", owner: match[1]!, repo: match[2]!, ref: match[3] };
}

/** The permissions a minted token asks for: `contents:read,checks:write`. */
const permissionList = text.pipe(
  z
    .string()
    .regex(
      /^[a-z_]+:(read|write)(\s*,\s*[a-z_]+:(read|write))*$/,
      "expected name:read or name:write, comma-separated (e.g. contents:read,checks:write)",
    )
    .transform((value) =>
      Object.fromEntries(
        value.split(",").map((pair) => pair.trim().split(":") as [string, "read" | "write"]),
      ),
    ),
);

/** Every input of action.yml, each checked and typed. */
const ActionInputs = z.object({
  mode: z.enum(["grade", "solve", "token"]),
  phase: z.enum(["prepare", "environment", "run", "report", "all"]),
  task: optionalText.pipe(TaskId.optional()),
  bank: optionalText.transform((v) => (v === undefined ? undefined : parseBankLocation(v))),
  "bank-token": optionalText,
  path: text.transform((v) => (v === "" ? "." : v)),
  "work-dir": optionalText,
  runs: wholeNumber("a whole number ≥ 1"),
  "timeout-minutes": wholeNumber("a whole number of minutes ≥ 1", MAX_TIMEOUT_MINUTES),
  report: z.enum(["check-run", "comment", "none"]),
  result: optionalText,
  token: optionalText,
  "app-id": wholeNumber("the app's numeric id"),
  "installation-id": wholeNumber("the app installation's numeric id"),
  permissions: permissionList,
  // After permissions: the order of the inputs is the order their problems are named in.
  "private-key": privateKey,
  repository: repositoryName,
  sha: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{40}$/, "expected a 40-character commit id")
      .optional(),
  ),
  "base-sha": optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-f]{40}$/, "expected a 40-character commit id")
      .optional(),
  ),
  "pull-request": wholeNumber("a pull request number"),
  attempt: wholeNumber("an attempt number ≥ 1"),
  "check-run-id": wholeNumber("the id of the check run the app queued"),
  issue: wholeNumber("an issue number"),
  agent: optionalText,
  model: optionalText,
  "api-base-url": optionalText.pipe(
    z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).optional(),
  ),
  "api-key": optionalText,
});

export type ActionInputs = z.output<typeof ActionInputs>;

/** Inputs whose value is a credential: they are masked and must not reach the run phase. */
export const SECRET_INPUTS = ["token", "bank-token", "private-key", "api-key"] as const;

const DEFAULTS: Partial<Record<keyof ActionInputs, string>> = {
  mode: "grade",
  phase: "all",
  report: "check-run",
  permissions: "contents:read",
  runs: "3",
};

/**
 * Reads and checks every input. A bad value fails naming the input, what it got and what was
 * expected; inputs a mode needs are checked by the mode (see requireInputs).
 */
export function readInputs(read: InputReader): ActionInputs {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(ActionInputs.shape)) {
    const value = read(name);
    raw[name] = value.trim() === "" ? (DEFAULTS[name as keyof ActionInputs] ?? "") : value;
  }
  const parsed = ActionInputs.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const secret = (SECRET_INPUTS as readonly string[]).includes(name);
    const got = secret ? "" : ` (got '${raw[name]}')`;
    return `input '${name}': ${simplify(issue.message)}${got}`;
  });
  throw new InputError(problems.join("\n"));
}

function simplify(message: string): string {
  return message.replace(/^Invalid option: expected one of /, "expected one of ");
}

/** Fails naming every input the chosen mode or phase needs and did not get. */
export function requireInputs<K extends keyof ActionInputs>(
  inputs: ActionInputs,
  names: readonly K[],
  why: string,
): asserts inputs is ActionInputs & { [P in K]-?: NonNullable<ActionInputs[P]> } {
  const missing = names.filter((name) => inputs[name] === undefined);
  if (missing.length > 0)
    throw new InputError(
      missing.map((name) => `input '${String(name)}' is required ${why}`).join("\n"),
    );
}
