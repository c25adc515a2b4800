import { z } from "zod";

/** The `pull_request` actions the app grades on (lancer-app.ts registers exactly these). */
export const PULL_REQUEST_ACTIONS = [
  "opened",
  "reopened",
  "ready_for_review",
  "synchronize",
] as const;

/** A short description of a JSON value, for "expected …, got …". */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `a string (${JSON.stringify(value.slice(0, 40))})`;
  // Only JSON's remaining kinds reach here: number and boolean.
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** zod's error option: "expected <what>", and what came instead unless nothing did. */
function expected(what: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined
        ? `expected ${what}`
        : `expected ${what}, got ${describe(issue.input)}`,
  };
}

const text = z.string(expected("a string"));
const wholeNumber = z.int(expected("a whole number"));
const url = text.refine((value) => URL.canParse(value), "expected an absolute URL");
const object = <T extends z.ZodRawShape>(shape: T) => z.object(shape, expected("an object"));

/** What every handler that works in an org's scope reads (see lancer-app.ts withScope). */
const scoped = {
  action: text,
  repository: object({
    name: text,
    full_name: text,
    html_url: url,
    owner: object({ login: text }),
  }),
  installation: object({ id: wholeNumber }).optional(),
};

const pullRequestEvent = object({
  ...scoped,
  pull_request: object({
    number: wholeNumber,
    state: text,
    draft: z.boolean(expected("a boolean")).optional(),
    head: object({ sha: text }),
    user: object({ login: text }).nullable().optional(),
    created_at: text,
    html_url: text,
  }),
});

const workflowRunEvent = object({
  ...scoped,
  repository: scoped.repository.extend({ default_branch: text }),
  workflow_run: object({
    id: wholeNumber,
    path: text.nullable().optional(),
    event: text,
    head_branch: text.nullable(),
    display_title: text.nullable().optional(),
    html_url: text,
  }),
});

const issueCommentEvent = object({
  ...scoped,
  comment: object({
    id: wholeNumber,
    body: text,
    user: object({ login: text, type: text.optional() }).nullable(),
    created_at: text,
    html_url: text,
  }),
  issue: object({
    number: wholeNumber,
    body: text.nullable().optional(),
    user: object({ login: text }).nullable().optional(),
    created_at: text.optional(),
  }),
});

const pullRequestReviewEvent = object({
  ...scoped,
  review: object({
    state: text,
    commit_id: text.nullable(),
    submitted_at: text.nullable().optional(),
    user: object({ login: text }).nullable(),
  }),
  pull_request: object({
    number: wholeNumber,
    user: object({ login: text }).nullable(),
  }),
});

const pushEvent = object({
  ref: text,
  after: text,
  commits: z
    .array(
      object({ added: z.array(text).optional(), modified: z.array(text).optional() }),
      expected("an array"),
    )
    .optional(),
  repository: object({
    name: text,
    default_branch: text,
    owner: object({ login: text.optional(), name: text.nullable().optional() }).nullable(),
  }),
  installation: object({ id: wholeNumber }).optional(),
});

/**
 * The shape of every delivery a handler of the app reads, by `event.action` (or `event` for
 * events without actions): only the fields the handlers read, each as GitHub sends it.
 */
export const PAYLOAD_SHAPES: Readonly<Record<string, z.ZodType>> = {
  ...Object.fromEntries(
    PULL_REQUEST_ACTIONS.map((action) => [`pull_request.${action}`, pullRequestEvent]),
  ),
  "workflow_run.completed": workflowRunEvent,
  "issue_comment.created": issueCommentEvent,
  "pull_request_review.submitted": pullRequestReviewEvent,
  push: pushEvent,
};

/** Events whose handled deliveries are told apart by `action`. */
const EVENTS_WITH_ACTIONS = new Set(
  Object.keys(PAYLOAD_SHAPES).flatMap((name) => (name.includes(".") ? [name.split(".")[0]!] : [])),
);

/** `event.action` when the payload has a string action, else `event`: how deliveries are named. */
export function deliveryName(event: string, payload: unknown): string {
  const action = (payload as { action?: unknown } | null)?.action;
  return typeof action === "string" ? `${event}.${action}` : event;
}

/**
 * What is wrong with a delivery's payload for the app, as `payload.<path>: expected …`, or
 * undefined when the handlers can read it. Any event's payload must be a JSON object; events
 * the app handles must have what their handler reads. Other events and actions pass.
 */
export function payloadProblem(event: string, payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload))
    return `payload: expected a JSON object, got ${describe(payload)}`;
  if (
    EVENTS_WITH_ACTIONS.has(event) &&
    typeof (payload as { action?: unknown }).action !== "string"
  )
    return `payload.action: ${expected("a string").error({ input: (payload as { action?: unknown }).action })}`;
  const shape = PAYLOAD_SHAPES[deliveryName(event, payload)];
  if (!shape) return undefined;
  const parsed = shape.safeParse(payload);
  if (parsed.success) return undefined;
  const problems = parsed.error.issues.map(
    (issue) => `payload${issue.path.map(pathPart).join("")}: ${issue.message}`,
  );
  const more = problems.length > MAX_NAMED ? `; and ${problems.length - MAX_NAMED} more` : "";
  return problems.slice(0, MAX_NAMED).join("; ") + more;
}

/** Problems named in one message; a payload missing everything needs no longer line. */
const MAX_NAMED = 5;

function pathPart(key: PropertyKey): string {
  return typeof key === "number" ? `[${key}]` : `.${String(key)}`;
}
