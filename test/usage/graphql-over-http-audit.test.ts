/**
 * graphql-http's audit of the GraphQL-over-HTTP spec, run against the gateway on its
 * defaults (development mode, as a newcomer starts it): every requirement (error) and every
 * notice must pass; recommendations (warn) are printed when they fail, so a change shows.
 */
import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/gateway-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe("the GraphQL-over-HTTP audit (graphql-http serverAudits)", () => {
  it("finds no error and no notice", async () => {
    const results = await Promise.all(serverAudits({ url: () => h.gateway.graphqlUrl }).map((audit) => audit.fn()));
    const failed = results.filter((result) => result.status !== "ok");
    for (const result of failed) if (result.status === "warn") console.log(`audit warn: ${result.id} ${result.name}: ${result.reason}`);
    const problems = failed.filter((result) => result.status === "error" || result.status === "notice").map((result) => `${result.status} ${result.id} ${result.name}: ${"reason" in result ? result.reason : ""}`);
    expect(problems).toEqual([]);
    expect(results.length).toBeGreaterThan(40);
  });
});
