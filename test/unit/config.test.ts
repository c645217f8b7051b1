import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const problems = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig", () => {
  it("defaults to embedded mode on SQLite under ./data", () => {
    const config = loadConfig({});
    expect(config.mode).toBe("embedded");
    expect(config.databaseUrl).toBe("file:./data/gateway.db");
    expect(config.http).toEqual({ host: "127.0.0.1", port: 4000, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 10_000, devAllowedHosts: [] });
    expect(config.limits.maxBatchOperations).toBe(10);
    expect(config.metrics).toEqual({ token: undefined, listen: undefined, onMainPort: true });
    expect(config.events.subscriberMaxQueuedBytes).toBe(16 * 1_048_576);
    expect(config.routing.modelBackends).toEqual({ VIDEO: "ICE", AUDIO: "ICE", IMAGE: "MPS", TEXT: "MPS" });
    expect(config.routing.fallbackOnQuota).toBe(true);
  });

  it("switches to cloud mode with both keys", () => {
    const config = loadConfig({ ALIBABA_CLOUD_ACCESS_KEY_ID: "id", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s3cret" });
    expect(config.mode).toBe("cloud");
    expect(config.cloud.credentials).toEqual({ accessKeyId: "id", accessKeySecret: "s3cret" });
  });

  it("names each bad setting, and never echoes the secret", () => {
    const found = problems({ PORT: "eighty", DATABASE_URL: "mysql://x", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s3cret", ROUTING: "VIDEO=AWS" });
    expect(found.join("\n")).toMatch(/^PORT: /m);
    expect(found.join("\n")).toMatch(/^DATABASE_URL: must start with file:/m);
    expect(found.join("\n")).toMatch(/^ALIBABA_CLOUD_ACCESS_KEY_ID: set both/m);
    expect(found.join("\n")).toMatch(/^ROUTING: "VIDEO=AWS" is not MODEL=BACKEND/m);
    expect(found.join("\n")).not.toContain("s3cret");
  });

  it("reads a routing override and keeps the other defaults", () => {
    expect(loadConfig({ ROUTING: "video=mps" }).routing.modelBackends).toEqual({ VIDEO: "MPS", AUDIO: "ICE", IMAGE: "MPS", TEXT: "MPS" });
  });

  it("requires the default region to be allowed", () => {
    expect(problems({ DEFAULT_REGION: "cn-beijing", ALLOWED_REGIONS: "cn-shanghai" })[0]).toMatch(/^DEFAULT_REGION: must be one of ALLOWED_REGIONS/);
  });

  it("reads the router secret, never echoes it, and refuses a short one or a header that carries something else", () => {
    expect(loadConfig({}).federation).toEqual({ routerSecret: undefined, routerSecretHeader: "x-router-secret" });
    const secret = "a".repeat(32);
    expect(loadConfig({ ROUTER_SECRET: secret, ROUTER_SECRET_HEADER: "X-Gateway-Router" }).federation).toEqual({ routerSecret: secret, routerSecretHeader: "x-gateway-router" });
    const found = problems({ ROUTER_SECRET: "short-s3cret", ROUTER_SECRET_HEADER: "Authorization" }).join("\n");
    expect(found).toMatch(/^ROUTER_SECRET: must be at least 32 characters/m);
    expect(found).not.toContain("short-s3cret");
    expect(found).toMatch(/^ROUTER_SECRET_HEADER: must not be one of authorization/m);
    expect(problems({ ROUTER_SECRET_HEADER: "x router" })[0]).toMatch(/^ROUTER_SECRET_HEADER: must be an HTTP header name/);
  });

  it("refuses JWTs without exp unless JWT_ALLOW_NO_EXP", () => {
    expect(loadConfig({}).auth.jwt.allowNoExp).toBe(false);
    expect(loadConfig({ JWT_ALLOW_NO_EXP: "true" }).auth.jwt.allowNoExp).toBe(true);
    expect(problems({ JWT_ALLOW_NO_EXP: "maybe" })[0]).toMatch(/^JWT_ALLOW_NO_EXP: must be true or false/);
  });

  it("checks the serving limits: timeouts in order, a queued-bytes cap of at least 64 KiB", () => {
    expect(problems({ HTTP_HEADERS_TIMEOUT_MS: "20000", HTTP_REQUEST_TIMEOUT_MS: "10000" })[0]).toMatch(/^HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/);
    expect(problems({ HTTP_REQUEST_TIMEOUT_MS: "10" })[0]).toMatch(/^HTTP_REQUEST_TIMEOUT_MS: /);
    expect(problems({ HTTP_MAX_CONNECTIONS: "0" })[0]).toMatch(/^HTTP_MAX_CONNECTIONS: /);
    expect(problems({ SUBSCRIBER_MAX_QUEUED_BYTES: "1000" })[0]).toMatch(/^SUBSCRIBER_MAX_QUEUED_BYTES: /);
    expect(loadConfig({ HTTP_MAX_CONNECTIONS: "500", SUBSCRIBER_MAX_QUEUED_BYTES: "1048576" })).toMatchObject({ http: { maxConnections: 500 }, events: { subscriberMaxQueuedBytes: 1_048_576 } });
  });

  it("keeps /metrics off the public port in production unless a token or a listener of its own is set", () => {
    expect(loadConfig({ NODE_ENV: "production" }).metrics).toEqual({ token: undefined, listen: undefined, onMainPort: false });
    expect(loadConfig({ NODE_ENV: "production", METRICS_TOKEN: "0123456789abcdef0123" }).metrics.onMainPort).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", METRICS_PORT: "9464" }).metrics).toEqual({ token: undefined, listen: { host: "127.0.0.1", port: 9464 }, onMainPort: false });
    expect(loadConfig({ METRICS_PORT: "9464", METRICS_HOST: "10.0.0.5" }).metrics.listen).toEqual({ host: "10.0.0.5", port: 9464 });
    const short = problems({ METRICS_TOKEN: "short-secret" });
    expect(short[0]).toMatch(/^METRICS_TOKEN: must be at least 16 characters$/);
    expect(short.join("\n")).not.toContain("short-secret");
    expect(problems({ PORT: "4000", METRICS_PORT: "4000" })[0]).toMatch(/^METRICS_PORT: must differ from PORT/);
  });
});
