import { describe, expect, it } from "vitest";
import { Router } from "../../src/sandbox/http/router.ts";
import { registerAllRoutes } from "../../src/sandbox/routes/index.ts";
import { findOperation } from "../helpers/github-contract.ts";

/**
 * Routes the description cannot match by path though GitHub serves them (each says why), and
 * the sandbox's own.
 */
const NOT_IN_PATHS = [
  /\/logs\/raw$/, // the sandbox's raw job logs, where GET …/jobs/{id}/logs redirects
  /\/contents$/, // repos/get-content with an empty {path}: the repository root
  /\/git\/matching-refs$/, // git/list-matching-refs with an empty {ref}: every ref
];

describe("sandbox routes against GitHub's REST description", () => {
  const router = new Router();
  registerAllRoutes(router);

  it("serves only operations GitHub documents (no invented endpoints)", () => {
    const invented = router.routes
      .filter((route) => !NOT_IN_PATHS.some((p) => p.test(route)))
      .filter((route) => {
        const [method, template] = route.split(" ") as [string, string];
        return findOperation(method, template.replace(/:[A-Za-z_]+/g, "x1")) === undefined;
      });
    expect(invented).toEqual([]);
  });

  it("covers the operations Lancer needs", () => {
    const operations = new Set(
      router.routes.map((route) => {
        const [method, template] = route.split(" ") as [string, string];
        return findOperation(method, template.replace(/:[A-Za-z_]+/g, "x1"))?.operationId;
      }),
    );
    expect(operations.size).toBeGreaterThan(10);
    for (const id of [
      "repos/create-in-org",
      "repos/get",
      "repos/get-collaborator-permission-level",
      "pulls/create-review",
      "apps/create-installation-access-token",
      "apps/list-webhook-deliveries",
    ]) {
      expect(operations).toContain(id);
    }
  });
});
