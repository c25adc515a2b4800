import FindMyWay, { type HTTPMethod } from "find-my-way";
import type { Handler } from "./context.ts";

/** Routes API paths (`/repos/:owner/:repo`) to handlers. */
export class Router {
  readonly #tree = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true });
  /** Route templates, for request counts per route. */
  readonly routes: string[] = [];

  on(method: HTTPMethod, path: string, handler: Handler): void {
    // find-my-way's own handler slot is unused: the handler travels in its `store`.
    this.#tree.on(method, path, () => undefined, { handler, template: path });
    this.routes.push(`${method} ${path}`);
  }

  find(
    method: string,
    path: string,
  ): { handler: Handler; params: Record<string, string>; template: string } | undefined {
    const found = this.#tree.find(method as HTTPMethod, path);
    if (!found) return undefined;
    const { handler, template } = found.store as { handler: Handler; template: string };
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(found.params))
      if (value !== undefined) params[key] = value;
    return { handler, params, template };
  }
}
