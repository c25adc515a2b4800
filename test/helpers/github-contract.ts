import { appendFileSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * Checks responses and webhook payloads against GitHub's published contracts: the REST
 * description in @octokit/openapi and the webhook schemas in @octokit/webhooks-schemas.
 */

type Json = Record<string, unknown>;
const require = createRequire(import.meta.url);
const SPEC_ID = "https://lancer.invalid/github-rest";
const WEBHOOKS_ID = "https://lancer.invalid/github-webhooks";

interface Operation {
  template: string;
  method: string;
  operationId: string;
  responses: Record<string, Json>;
}

let state:
  | {
      ajv: Ajv;
      routes: Array<{ regex: RegExp; literal: number; ops: Map<string, Operation> }>;
      spec: Json;
      webhooks: Json;
    }
  | undefined;

function load() {
  if (state) return state;
  const spec = JSON.parse(
    readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8"),
  ) as Json;
  const webhooks = JSON.parse(
    readFileSync(require.resolve("@octokit/webhooks-schemas/schema.json"), "utf8"),
  ) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: openApiNullable(spec.components) }, SPEC_ID);
  ajv.addSchema({ ...webhooks, $id: WEBHOOKS_ID }, WEBHOOKS_ID);
  const routes = Object.entries(spec.paths as Record<string, Record<string, Json>>).map(
    ([template, item]) => {
      const ops = new Map<string, Operation>();
      for (const [method, op] of Object.entries(item)) {
        if (typeof op !== "object" || !op || !("responses" in op)) continue;
        ops.set(method.toUpperCase(), {
          template,
          method: method.toUpperCase(),
          operationId: String(op.operationId),
          responses: op.responses as Record<string, Json>,
        });
      }
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
      return {
        regex: new RegExp(`^${pattern}$`),
        literal: template.split("/").filter((s) => s && !s.startsWith("{")).length,
        ops,
      };
    },
  );
  routes.sort((a, b) => b.literal - a.literal);
  state = { ajv, routes, spec, webhooks };
  return state;
}

/**
 * OpenAPI's `nullable` as Ajv needs it: Ajv refuses `nullable` without `type` (GitHub writes it
 * beside `anyOf`, e.g. the `value` of `issue-field-value`), said here as "any of those, or
 * null"; and a nullable `enum` (e.g. `state_reason`) gets null among its values.
 */
function openApiNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(openApiNullable);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = openApiNullable(value);
  if (out.nullable !== true) return out;
  // Ajv does not add null to an `enum` of a nullable schema by itself.
  if (Array.isArray(out.enum) && !out.enum.includes(null))
    out.enum = [...(out.enum as unknown[]), null];
  if (out.type !== undefined) return out;
  const { nullable: _nullable, ...rest } = out;
  return { anyOf: [rest, { type: "null" }] };
}

/** Rewrites `#/components/...` refs to point into the registered components document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema))
    out[key] =
      key === "$ref" && typeof value === "string" && value.startsWith("#/")
        ? `${SPEC_ID}${value}`
        : rebase(value);
  return out;
}

function resolveResponse(spec: Json, response: Json): Json {
  const ref = response.$ref;
  if (typeof ref !== "string") return response;
  const name = ref.split("/").pop()!;
  return ((spec.components as Json).responses as Json)[name] as Json;
}

const validators = new Map<string, ValidateFunction>();

/** Finds the operation of a request (`GET`, `/repos/arena/x`), or undefined when GitHub has none. */
export function findOperation(method: string, path: string): Operation | undefined {
  const { routes } = load();
  const clean = path.split("?")[0]!;
  for (const route of routes)
    if (route.regex.test(clean) && route.ops.has(method.toUpperCase()))
      return route.ops.get(method.toUpperCase());
  return undefined;
}

/** Operations seen by validateResponse, for coverage reports. */
export const coveredOperations = new Set<string>();

/**
 * Validates one REST response against its operation's schema for that status. Throws with
 * the schema errors when it does not validate, or when GitHub documents no such status.
 */
export function validateResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
): string {
  const op = findOperation(method, path);
  if (!op) throw new Error(`${method} ${path}: GitHub documents no such operation`);
  const { ajv, spec } = load();
  const documented = op.responses[String(status)];
  if (!documented)
    throw new Error(
      `${op.operationId} (${method} ${path}): status ${status} is not documented (documented: ${Object.keys(op.responses).join(", ")})`,
    );
  coveredOperations.add(op.operationId);
  // LANCER_CONTRACT_LOG=<file> records each validated operation, for coverage figures.
  if (process.env.LANCER_CONTRACT_LOG)
    appendFileSync(process.env.LANCER_CONTRACT_LOG, `${op.operationId} ${status}\n`);
  const response = resolveResponse(spec, documented);
  let schema = ((response.content as Json | undefined)?.["application/json"] as Json | undefined)
    ?.schema as Json | undefined;
  if (!schema && status >= 400 && body !== undefined && body !== "") {
    // GitHub sends its error shape even where the description documents a status without a body.
    schema = { $ref: "#/components/schemas/basic-error" };
  }
  if (!schema) {
    if (body !== undefined && body !== "" && body !== null)
      throw new Error(
        `${op.operationId}: status ${status} has no documented body but one was sent`,
      );
    return op.operationId;
  }
  if (status >= 400 && Array.isArray(schema.oneOf)) {
    // Error alternatives (basic-error | rule-violation) overlap, so a strict oneOf can never hold.
    const { oneOf, ...rest } = schema;
    schema = { ...rest, anyOf: oneOf };
  }
  const key = `${op.operationId} ${status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(rebase(openApiNullable(schema)) as Json);
    validators.set(key, validate);
  }
  if (!validate(body)) {
    const errors = (validate.errors ?? [])
      .slice(0, 8)
      .map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
    throw new Error(
      `${op.operationId} (${method} ${path} → ${status}) does not match GitHub's schema:\n  ${errors.join("\n  ")}`,
    );
  }
  return op.operationId;
}

/** Validates a webhook payload against @octokit/webhooks-schemas (`issues` + `opened` → `issues$opened`). */
export function validateWebhook(event: string, action: string | null, payload: unknown): void {
  const { ajv, webhooks } = load();
  const definitions = (webhooks.definitions ?? {}) as Json;
  const candidates = action
    ? [`${event}$${action}`, `${event}_${action}`]
    : [`${event}$event`, `${event}_event`, event];
  const name = candidates.find((c) => c in definitions);
  if (!name)
    throw new Error(`webhooks-schemas has no schema for ${event}${action ? `.${action}` : ""}`);
  const validate = ajv.getSchema(`${WEBHOOKS_ID}#/definitions/${name}`);
  if (!validate) throw new Error(`cannot compile the schema ${name}`);
  if (!validate(payload)) {
    const errors = (validate.errors ?? [])
      .slice(0, 8)
      .map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
    throw new Error(
      `${event}.${action ?? ""} payload does not match @octokit/webhooks-schemas (${name}):\n  ${errors.join("\n  ")}`,
    );
  }
}
