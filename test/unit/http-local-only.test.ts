/** Development mode's local-only check (src/server/http-local-only.ts), request by request. */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { localOnlyCheck } from "../../src/server/http-local-only.js";

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const reason = (check: ReturnType<typeof localOnlyCheck>, headers: Record<string, string>) => check(req(headers))?.reason ?? "served";

describe("localOnlyCheck", () => {
  const check = localOnlyCheck({ listenHost: "0.0.0.0", allowedHosts: ["Gateway.Internal"] });

  it("serves loopback names and DEV_ALLOWED_HOSTS, in any case, with or without a port", () => {
    for (const host of ["localhost", "localhost:4000", "api.localhost:4000", "127.0.0.1:4000", "127.8.9.10", "[::1]:4000", "[::1]", "LOCALHOST.", "gateway.internal:80"]) {
      expect(reason(check, { host }), host).toBe("served");
    }
    expect(reason(check, {}), "no Host (HTTP/1.0)").toBe("served");
  });

  it("refuses other hosts, including ones that only look local", () => {
    for (const host of ["attacker.example", "localhost.attacker.example", "127.0.0.1.nip.io", "0.0.0.0:4000", "[::ffff:7f00:1]:4000", "10.0.0.5"]) {
      expect(reason(check, { host }), host).toBe("HOST_NOT_ALLOWED");
    }
  });

  it("serves the HOST it listens on, and any host with *", () => {
    expect(reason(localOnlyCheck({ listenHost: "192.168.1.20", allowedHosts: [] }), { host: "192.168.1.20:4000" })).toBe("served");
    expect(reason(localOnlyCheck({ listenHost: "::", allowedHosts: ["*"] }), { host: "anything.example" })).toBe("served");
  });

  it("refuses a foreign or opaque Origin and Sec-Fetch-Site: cross-site; serves same-site and local origins", () => {
    const local = { host: "localhost:4000" };
    expect(reason(check, { ...local, origin: "https://evil.example" })).toBe("CROSS_SITE_REQUEST");
    expect(reason(check, { ...local, origin: "null" })).toBe("CROSS_SITE_REQUEST");
    expect(reason(check, { ...local, "sec-fetch-site": "cross-site" })).toBe("CROSS_SITE_REQUEST");
    expect(reason(check, { ...local, origin: "http://localhost:5173", "sec-fetch-site": "same-site" })).toBe("served");
    expect(reason(check, { ...local, origin: "http://[::1]:4000", "sec-fetch-site": "same-origin" })).toBe("served");
    expect(reason(check, { ...local, "sec-fetch-site": "none" })).toBe("served");
  });
});
