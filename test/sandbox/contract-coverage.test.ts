import { describe, expect, it } from "vitest";
import { Router } from "../../src/sandbox/http/router.ts";
import { registerAllRoutes } from "../../src/sandbox/routes/index.ts";
import { findOperation } from "../helpers/github-contract.ts";

/** Routes the sandbox serves that GitHub does not (each says why). */
const SANDBOX_ONLY = [/\/logs\/raw$/];

describe("sandbox routes against GitHub's REST description", () => {
  const router = new Router();
  registerAllRoutes(router);

  it("serves only operations GitHub documents (no invented endpoints)", () => {
    const invented = router.routes
      .filter((route) => !SANDBOX_ONLY.some((p) => p.test(route)))
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
    for (const id of ["repos/create-in-org", "repos/get", "apps/create-installation-access-token", "apps/list-webhook-deliveries"]) {
      expect(operations).toContain(id);
    }
  });
});
