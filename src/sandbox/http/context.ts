import type { IncomingHttpHeaders } from "node:http";
import type { Principal } from "../state/model.ts";
import type { Sandbox } from "../sandbox.ts";

/** One API request as a handler sees it. */
export interface RequestContext {
  method: string;
  /** The path below the API root, e.g. `/repos/arena/x`. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
  principal: Principal;
  sandbox: Sandbox;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (context: RequestContext) => Reply | Promise<Reply>;
