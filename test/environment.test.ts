import { describe, expect, it } from "vitest";

describe("the test environment", () => {
  it("runs on Node 24 or later, as GitHub runs the Action (npm test uses the node@24 dev dependency)", () => {
    expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(24);
  });
});
