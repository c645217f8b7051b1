/**
 * Every setting of the gateway, read from the environment and validated once at start-up.
 * A bad value stops start-up with a message that names the variable; nothing else in the
 * code reads process.env.
 */
import { z } from "zod";
import { FINGERPRINT_BACKENDS, FINGERPRINT_MODELS, type FingerprintBackend, type FingerprintModel } from "./domain/model.js";
import { DEFAULT_ROUTING_POLICY, type RoutingPolicy } from "./domain/routing.js";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");
const int = (min: number, max: number) => z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(min).max(max);
const csv = z.string().transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));

const RoutingSchema = z
  .string()
  .transform((text, ctx) => {
    const routes: Partial<Record<FingerprintModel, FingerprintBackend>> = {};
    for (const pair of text.split(",").map((s) => s.trim()).filter(Boolean)) {
      const [model, backend] = pair.split("=").map((s) => s.trim().toUpperCase());
      if (!(FINGERPRINT_MODELS as readonly string[]).includes(model) || !(FINGERPRINT_BACKENDS as readonly string[]).includes(backend ?? "")) {
        ctx.addIssue({ code: "custom", message: `"${pair}" is not MODEL=BACKEND with MODEL in ${FINGERPRINT_MODELS.join("|")} and BACKEND in ICE|MPS` });
        return z.NEVER;
      }
      routes[model as FingerprintModel] = backend as FingerprintBackend;
    }
    return { ...DEFAULT_ROUTING_POLICY.modelBackends, ...routes };
  });

/** Headers clients or routers already use for something else; the router secret needs its own. */
const RESERVED_HEADERS = ["authorization", "cookie", "host", "content-type", "content-length", "apollo-federation-include-trace", "apollo-require-preflight", "x-apollo-operation-name"];

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development").describe("development, production or test. production turns introspection off, requires authentication (unless ALLOW_UNAUTHENTICATED) and keeps /metrics off the public port without METRICS_TOKEN or METRICS_PORT."),
    HOST: z.string().min(1).default("127.0.0.1").describe("Address the HTTP and WebSocket server listens on (0.0.0.0 for every interface)."),
    PORT: int(0, 65535).default(4000).describe("Port of /graphql (HTTP and graphql-ws), /graphiql, /healthz, /readyz and, unless moved, /metrics. 0 picks a free port."),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("pino log level. Logs are JSON lines with credentials and authorization headers redacted."),
    DATABASE_URL: z
      .string()
      .regex(/^(file:|postgres(ql)?:\/\/)/, "must start with file: (SQLite) or postgresql:// (PostgreSQL)")
      .default("file:./data/gateway.db").describe("file:... for SQLite (created and migrated at start-up) or postgresql://... (?schema= honoured) for several instances."),
    DEFAULT_TENANT: z.string().min(1).max(64).default("default").describe("The tenant of every caller in development mode (no API keys and no JWT configured)."),

    ALIBABA_CLOUD_ACCESS_KEY_ID: z.string().min(1).optional().describe("The gateway's Alibaba Cloud AccessKey id. With the secret set: cloud mode (real endpoints); with neither: embedded mode (local emulator)."),
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: z.string().min(1).optional().describe("The AccessKey secret that goes with ALIBABA_CLOUD_ACCESS_KEY_ID. Never printed."),
    /** JSON file of per-tenant AccessKey pairs: those tenants' libraries live in their own accounts. */
    TENANT_CREDENTIALS_FILE: z.string().min(1).optional().describe("Cloud mode: JSON file {\"tenant\": {\"accessKeyId\", \"accessKeySecret\"}}; those tenants' libraries live in their own accounts."),
    ICE_ENDPOINT: z.string().min(1).default("ice.{region}.aliyuncs.com").describe("ICE endpoint template; {region} is the library's region. Without {region} (e.g. 127.0.0.1:4100) the region travels in the x-acs-region-id header."),
    MPS_ENDPOINT: z.string().min(1).default("mts.{region}.aliyuncs.com").describe("MPS endpoint template; {region} is the library's region. Without {region} the region travels in the x-acs-region-id header."),
    BACKEND_PROTOCOL: z.enum(["https", "http"]).default("https").describe("https for Alibaba Cloud; http for a local emulator."),
    ALIBABA_SIGNATURE_ALGORITHM: z.enum(["v3", "v2"]).default("v3").describe("v3 (ACS3-HMAC-SHA256 headers) or v2 (HMAC-SHA1 query signature)."),
    BACKEND_CONNECT_TIMEOUT_MS: int(100, 60_000).default(3_000).describe("Connect timeout of one backend call."),
    BACKEND_READ_TIMEOUT_MS: int(100, 120_000).default(10_000).describe("Deadline of one backend call attempt."),
    BACKEND_RETRIES: int(0, 10).default(3).describe("Retries after the first attempt (only where a retry cannot make a second library or job), with jittered exponential backoff."),
    BACKEND_RETRY_MIN_DELAY_MS: int(0, 60_000).default(200).describe("First retry delay."),
    BACKEND_RETRY_MAX_DELAY_MS: int(0, 120_000).default(3_000).describe("Longest retry delay."),
    BACKEND_QPS_LIMIT: int(1, 10_000).optional().describe("One client-side QPS limit for every action, instead of each action's documented limit."),

    DEFAULT_REGION: z.string().min(1).default("cn-shanghai").describe("Region of a library created without one; must be in ALLOWED_REGIONS."),
    ALLOWED_REGIONS: csv.default(["cn-shanghai", "cn-beijing", "cn-hangzhou", "ap-southeast-1"]).describe("Comma-separated regions this gateway serves."),
    ROUTING: RoutingSchema.optional().describe("Routing policy overrides, MODEL=BACKEND pairs (default VIDEO=ICE,AUDIO=ICE,IMAGE=MPS,TEXT=MPS)."),
    ROUTING_FALLBACK_ON_QUOTA: bool.default(true).describe("When the routed backend's library quota is used up, create the library on the other one."),

    API_KEYS: z.string().min(1).optional().describe("tenant:key pairs, comma-separated (keys at least 16 characters, kept as SHA-256 digests). Never printed."),
    API_KEYS_FILE: z.string().min(1).optional().describe("JSON file [{\"tenant\", \"key\"}] of API keys."),
    JWT_JWKS_URL: z.string().url("must be a URL").optional().describe("JWKS URL for verifying RS256/ES256 JWTs."),
    JWT_JWKS_FILE: z.string().min(1).optional().describe("JWKS file for verifying JWTs, instead of a URL."),
    JWT_ISSUER: z.string().min(1).optional().describe("Required iss of a JWT."),
    JWT_AUDIENCE: z.string().min(1).optional().describe("Required aud of a JWT."),
    JWT_TENANT_CLAIM: z.string().min(1).default("tenant").describe("The JWT claim that names the tenant."),
    /** A JWT without `exp` would authorize its bearer (and a WebSocket opened with it) forever. */
    JWT_ALLOW_NO_EXP: bool.default(false).describe("Accept JWTs without exp. Off: such a token is refused (401 over HTTP, 4403 over WebSocket)."),
    DEV_ALLOWED_HOSTS: csv.optional().describe("Development mode (no authentication) only: host names besides localhost, 127.x.x.x, [::1] and HOST that requests may be addressed to (Host header) and come from (Origin), comma-separated; * allows any. Guards against DNS rebinding and cross-site pages."),
    ALLOW_UNAUTHENTICATED: bool.default(false).describe("Allow development mode (no authentication) with NODE_ENV=production."),

    /** Proves a request comes from the federation router: only it reads `_service` and inline traces. */
    ROUTER_SECRET: z
      .string()
      .min(32, "must be at least 32 characters; generate one with `openssl rand -hex 32`")
      .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces (it travels in an HTTP header)")
      .optional().describe("Shared secret a federation router sends (ROUTER_SECRET_HEADER) to read _service and get inline traces; at least 32 characters. Never printed."),
    ROUTER_SECRET_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, "must be an HTTP header name: letters, digits and '-'")
      .transform((name) => name.toLowerCase())
      .refine((name) => !RESERVED_HEADERS.includes(name), `must not be one of ${RESERVED_HEADERS.join(", ")} (those carry other things)`)
      .default("x-router-secret").describe("The header that carries ROUTER_SECRET."),

    MAX_BODY_BYTES: int(1_024, 100 * 1_048_576).default(1_048_576).describe("Largest request body and WebSocket message."),
    MAX_DEPTH: int(1, 100).default(10).describe("Deepest selection a document may have (every transport)."),
    MAX_COST: int(1, 1_000_000).default(5_000).describe("Highest GraphQL Armor cost a document may have (every transport)."),
    MAX_ALIASES: int(1, 1_000).default(30).describe("Most aliases in a document (every transport)."),
    MAX_TOKENS: int(10, 1_000_000).default(2_000).describe("Most tokens in a document; parsing stops past it (every transport)."),
    MAX_DIRECTIVES: int(1, 1_000).default(50).describe("Most directives in a document (every transport)."),
    MAX_BATCH_OPERATIONS: int(0, 1_000).default(10).describe("Most operations in one batched HTTP request (a JSON array, as Apollo's BatchHttpLink sends); each counts against the limits and the rate limit like a single request. A larger batch is refused whole with 413 (reason BATCH_TOO_LARGE); 0 refuses batches."),
    /** Introspection: on outside production, off in production unless set. */
    INTROSPECTION: bool.optional().describe("Allow introspection. Default: on, off in production. Off also hides field suggestions."),
    RATE_LIMIT_REQUESTS: int(0, 10_000_000).default(1_200).describe("Operations per tenant per window, counted on HTTP and WebSocket alike, shared across instances through Redis when REDIS_URL is set. 0 turns it off."),
    RATE_LIMIT_WINDOW_SECONDS: int(1, 86_400).default(60).describe("The rate limit's window."),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: int(1, 100_000).default(100).describe("Operations one WebSocket may run at once."),
    MAX_SUBSCRIPTIONS_PER_TENANT: int(1, 10_000_000).default(10_000).describe("Subscriptions one tenant may hold on one instance."),

    /** How long a create may be in flight before another call or the reconciler may take it over. */
    CREATE_INTENT_STALE_MS: int(1_000, 3_600_000).default(60_000).describe("How long a create may be in flight before another call or the recovery sweep may take it over."),
    /** How long after an ambiguous create attempt (timeout, 5xx) a retry waits before looking for its library on the backend. */
    CREATE_RETRY_GRACE_MS: int(0, 600_000).default(3_000).describe("After a create call without a clear answer (timeout, 5xx), how long to wait before looking for its library on the backend."),
    /** Cloud mode: compare the registry with the backends once, in the background, after start-up. */
    RECONCILE_AT_STARTUP: bool.default(true).describe("Cloud mode: compare the registry with the backends once, in the background, after start-up (one instance of a fleet)."),
    RECONCILE_STARTUP_DELAY_MS: int(0, 3_600_000).default(5_000).describe("Delay of the start-up reconcile after ready."),
    RECONCILE_STARTUP_TIMEOUT_MS: int(1_000, 3_600_000).default(60_000).describe("Time bound of the start-up reconcile."),

    REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional().describe("redis:// or rediss://: events and the rate limit shared by every instance. Never printed."),
    /** Redis channel of the events; deployments sharing one Redis need different ones. */
    EVENT_CHANNEL: z.string().min(1).max(200).default("fingerprint-gateway:library-events").describe("Redis channel of the events; deployments sharing one Redis need different ones."),
    WATCHER_ENABLED: bool.default(true).describe("Run the activation watcher and the job watcher in this instance."),
    WATCHER_TICK_MS: int(10, 60_000).default(500).describe("Pause between watcher rounds."),
    WATCHER_MIN_INTERVAL_MS: int(10, 3_600_000).default(1_000).describe("Shortest time between two reads of one library's status."),
    WATCHER_MAX_INTERVAL_MS: int(10, 86_400_000).default(60_000).describe("Longest time between two reads of one library's status."),
    WATCHER_BATCH_SIZE: int(1, 10_000).default(500).describe("Libraries per watcher round."),
    WATCHER_LEASE_TTL_MS: int(1_000, 600_000).default(15_000).describe("Watcher shard lease lifetime; a dead instance's shards move after this."),
    JOB_WATCHER_TICK_MS: int(10, 60_000)
      .default(100)
      .describe("Longest pause between job-watcher rounds; a round starts sooner (never within half of it) when a job falls due. A round with nothing due is one indexed query."),
    JOB_WATCHER_MIN_INTERVAL_MS: int(10, 3_600_000).default(1_000).describe("How soon a fingerprint job's finish is recorded: while a job is expected to finish, its status is read this often less the time a read takes. Also the first step of the back-off."),
    JOB_WATCHER_MAX_INTERVAL_MS: int(10, 86_400_000).default(60_000).describe("Longest time between two reads of one fingerprint job's status."),
    JOB_WATCHER_BATCH_SIZE: int(1, 10_000).default(1_000).describe("Fingerprint jobs read per job-watcher round (ten per backend call)."),
    JOB_EXPECTED_DURATION_MS: int(0, 86_400_000).default(10_000).describe("Seed of a job's expected run time (then learned per backend and model from finished jobs); jobs are read often from 0 to twice this until something is learned."),
    JOB_RESULT_ATTEMPTS: int(1, 100).default(8).describe("Reads of a finished job's result document (ICE DNAResult) before the job is marked FAILED."),
    JOB_MISSING_GRACE_MS: int(0, 86_400_000).default(60_000).describe("Age before a job the backend does not list is marked FAILED (JOB_NOT_FOUND_ON_BACKEND)."),
    JOB_STUCK_AFTER_MS: int(60_000, 30 * 86_400_000).default(6 * 3_600_000).describe("Age past which an unfinished job is marked FAILED (JOB_STUCK) and no longer read."),
    EVENT_SWEEP_INTERVAL_MS: int(50, 600_000).default(2_000).describe("How often the relay reads the event log after the last event it handed out, for events the bus lost."),
    SUBSCRIBER_BUFFER: int(1, 1_000_000).default(1_000).describe("Event batches a connection may fall behind before its subscriptions end (resume with after)."),
    SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000).describe("Time requests in flight get on shutdown."),

    /** Bytes one WebSocket may have queued for a client that does not read before it is closed with 4413. */
    SUBSCRIBER_MAX_QUEUED_BYTES: int(65_536, 1_073_741_824).default(16 * 1_048_576).describe("Bytes one WebSocket may have queued in the process; past it the socket closes with 4413 (reconnect and resubscribe with after)."),
    /** A client must send a request's headers within this, or the connection is closed (Node's default: 60 s). */
    HTTP_HEADERS_TIMEOUT_MS: int(1_000, 600_000).default(10_000).describe("Time a client has to send a request's headers."),
    /** ... and the whole request, body included, within this (Node's default: 300 s). */
    HTTP_REQUEST_TIMEOUT_MS: int(1_000, 3_600_000).default(30_000).describe("Time a client has to send a whole request (headers and body)."),
    /** Open connections (HTTP and WebSocket) past which new ones are refused. */
    HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(10_000).describe("Open connections (WebSockets included) past which new ones are dropped."),
    /** /metrics asks for `Authorization: Bearer <METRICS_TOKEN>` when set. */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional().describe("Bearer token /metrics requires (at least 16 characters). Never printed."),
    /** Serve /metrics on its own listener (METRICS_HOST:METRICS_PORT) and not on PORT. */
    METRICS_PORT: int(0, 65535).optional().describe("Serve /metrics on this port only, on a listener of its own."),
    METRICS_HOST: z.string().min(1).default("127.0.0.1").describe("Address of the METRICS_PORT listener."),

    EMULATOR_PORT: int(0, 65535).default(0).describe("Embedded mode: the in-process emulator's port (0: a free one)."),
    EMULATOR_ACTIVATION_DELAY_MS: int(0, 3_600_000).default(3_000).describe("Embedded mode: how long a new library stays offline in the emulator."),
  })
  .superRefine((env, ctx) => {
    if (!env.ALLOWED_REGIONS.includes(env.DEFAULT_REGION)) {
      ctx.addIssue({ code: "custom", path: ["DEFAULT_REGION"], message: `must be one of ALLOWED_REGIONS (${env.ALLOWED_REGIONS.join(", ")})` });
    }
    if (env.WATCHER_MIN_INTERVAL_MS > env.WATCHER_MAX_INTERVAL_MS) {
      ctx.addIssue({ code: "custom", path: ["WATCHER_MIN_INTERVAL_MS"], message: "must not exceed WATCHER_MAX_INTERVAL_MS" });
    }
    if (env.JOB_WATCHER_MIN_INTERVAL_MS > env.JOB_WATCHER_MAX_INTERVAL_MS) {
      ctx.addIssue({ code: "custom", path: ["JOB_WATCHER_MIN_INTERVAL_MS"], message: "must not exceed JOB_WATCHER_MAX_INTERVAL_MS" });
    }
    if (env.BACKEND_RETRY_MIN_DELAY_MS > env.BACKEND_RETRY_MAX_DELAY_MS) {
      ctx.addIssue({ code: "custom", path: ["BACKEND_RETRY_MIN_DELAY_MS"], message: "must not exceed BACKEND_RETRY_MAX_DELAY_MS" });
    }
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: "custom", path: ["HTTP_HEADERS_TIMEOUT_MS"], message: "must not exceed HTTP_REQUEST_TIMEOUT_MS" });
    }
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({ code: "custom", path: ["METRICS_PORT"], message: "must differ from PORT (leave it unset to serve /metrics on PORT)" });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env["NODE_ENV"];
  http: {
    host: string;
    port: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    maxConnections: number;
    /** DEV_ALLOWED_HOSTS: see src/server/http-local-only.ts. */
    devAllowedHosts: string[];
  };
  /**
   * Where /metrics is served: on its own listener when `listen` is set, else on the main
   * port unless `onMainPort` is false (production with neither a token nor a listener).
   */
  metrics: { token?: string; listen?: { host: string; port: number }; onMainPort: boolean };
  logLevel: Env["LOG_LEVEL"];
  databaseUrl: string;
  defaultTenant: string;
  /** "embedded": no cloud credentials, the emulator runs in-process. "cloud": real endpoints. */
  mode: "embedded" | "cloud";
  cloud: {
    credentials?: { accessKeyId: string; accessKeySecret: string };
    /** TENANT_CREDENTIALS_FILE, read at start-up (src/backends/tenant-credentials.ts). */
    tenantCredentialsFile?: string;
    endpoints: Record<FingerprintBackend, string>;
    protocol: "http" | "https";
    signatureAlgorithm: "v3" | "v2";
    connectTimeoutMs: number;
    readTimeoutMs: number;
    retry: { retries: number; minDelayMs: number; maxDelayMs: number };
    qpsLimit?: number;
  };
  regions: { default: string; allowed: string[] };
  routing: RoutingPolicy;
  createIntentStaleMs: number;
  /** See CREATE_RETRY_GRACE_MS. */
  createRetryGraceMs: number;
  /** Cloud mode only: the embedded emulator starts empty on every start, so there is nothing to compare. */
  reconcileAtStartup: { enabled: boolean; delayMs: number; timeoutMs: number };
  limits: {
    maxBodyBytes: number;
    maxDepth: number;
    maxCost: number;
    maxAliases: number;
    maxTokens: number;
    maxDirectives: number;
    /** Operations in one batched HTTP request; 0 refuses batches. */
    maxBatchOperations: number;
    introspection: boolean;
    /** Operations per tenant per window; 0 turns the limit off. */
    rateLimitRequests: number;
    rateLimitWindowSeconds: number;
    maxSubscriptionsPerConnection: number;
    maxSubscriptionsPerTenant: number;
  };
  auth: {
    apiKeys?: string;
    apiKeysFile?: string;
    jwt: { jwksUrl?: string; jwksFile?: string; issuer?: string; audience?: string; tenantClaim: string; allowNoExp: boolean };
    allowUnauthenticated: boolean;
  };
  /**
   * The federation router proves itself with `routerSecret` in the `routerSecretHeader`
   * header. Without a secret, `_service` and inline traces follow INTROSPECTION.
   */
  federation: { routerSecret?: string; routerSecretHeader: string };
  events: { redisUrl?: string; channel: string; sweepIntervalMs: number; subscriberBuffer: number; subscriberMaxQueuedBytes: number };
  watcher: { enabled: boolean; tickMs: number; minIntervalMs: number; maxIntervalMs: number; batchSize: number; leaseTtlMs: number };
  /** The job watcher runs with the activation watcher (WATCHER_ENABLED) and shares its leases. */
  jobWatcher: {
    tickMs: number;
    minIntervalMs: number;
    maxIntervalMs: number;
    batchSize: number;
    expectedDurationMs: number;
    resultAttempts: number;
    missingGraceMs: number;
    stuckAfterMs: number;
  };
  shutdownGraceMs: number;
  emulator: { port: number; activationDelayMs: number };
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Names of settings whose values must never be printed. */
// URLs may carry a password, so their values are not echoed either.
export const SECRET_SETTINGS = ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "API_KEYS", "DATABASE_URL", "REDIS_URL", "ROUTER_SECRET", "METRICS_TOKEN"] as const;

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(present);
  // Checked apart from the schema so it is reported together with any other problem.
  const pairProblem: string[] =
    !!present.ALIBABA_CLOUD_ACCESS_KEY_ID !== !!present.ALIBABA_CLOUD_ACCESS_KEY_SECRET
      ? [
          `${present.ALIBABA_CLOUD_ACCESS_KEY_ID ? "ALIBABA_CLOUD_ACCESS_KEY_SECRET" : "ALIBABA_CLOUD_ACCESS_KEY_ID"}: set both ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or neither (embedded emulator mode)`,
        ]
      : [];
  // The embedded emulator knows only its own development account.
  if (present.TENANT_CREDENTIALS_FILE && !present.ALIBABA_CLOUD_ACCESS_KEY_ID) {
    pairProblem.push("TENANT_CREDENTIALS_FILE: per-tenant cloud accounts need cloud mode; set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET for the gateway's own account too");
  }
  if (!parsed.success || pairProblem.length > 0) {
    throw new ConfigError([
      ...pairProblem,
      ...(parsed.error?.issues ?? []).map((issue) => {
        const name = String(issue.path[0] ?? "settings");
        const shown = (SECRET_SETTINGS as readonly string[]).includes(name) || present[name] === undefined ? "" : ` (got "${present[name]}")`;
        return `${name}: ${issue.message}${shown}`;
      }),
    ]);
  }
  const env = parsed.data;
  const credentials =
    env.ALIBABA_CLOUD_ACCESS_KEY_ID && env.ALIBABA_CLOUD_ACCESS_KEY_SECRET
      ? { accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID, accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET }
      : undefined;
  return {
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT,
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      maxConnections: env.HTTP_MAX_CONNECTIONS,
      devAllowedHosts: env.DEV_ALLOWED_HOSTS ?? [],
    },
    metrics: {
      token: env.METRICS_TOKEN,
      listen: env.METRICS_PORT === undefined ? undefined : { host: env.METRICS_HOST, port: env.METRICS_PORT },
      // In production an open /metrics on the public port is refused: a token or a listener of its own.
      onMainPort: env.METRICS_PORT === undefined && (env.METRICS_TOKEN !== undefined || env.NODE_ENV !== "production"),
    },
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    defaultTenant: env.DEFAULT_TENANT,
    mode: credentials ? "cloud" : "embedded",
    cloud: {
      credentials,
      tenantCredentialsFile: env.TENANT_CREDENTIALS_FILE,
      endpoints: { ICE: env.ICE_ENDPOINT, MPS: env.MPS_ENDPOINT },
      protocol: env.BACKEND_PROTOCOL,
      signatureAlgorithm: env.ALIBABA_SIGNATURE_ALGORITHM,
      connectTimeoutMs: env.BACKEND_CONNECT_TIMEOUT_MS,
      readTimeoutMs: env.BACKEND_READ_TIMEOUT_MS,
      retry: { retries: env.BACKEND_RETRIES, minDelayMs: env.BACKEND_RETRY_MIN_DELAY_MS, maxDelayMs: env.BACKEND_RETRY_MAX_DELAY_MS },
      qpsLimit: env.BACKEND_QPS_LIMIT,
    },
    regions: { default: env.DEFAULT_REGION, allowed: env.ALLOWED_REGIONS },
    routing: { modelBackends: env.ROUTING ?? DEFAULT_ROUTING_POLICY.modelBackends, fallbackOnQuota: env.ROUTING_FALLBACK_ON_QUOTA },
    createIntentStaleMs: env.CREATE_INTENT_STALE_MS,
    createRetryGraceMs: env.CREATE_RETRY_GRACE_MS,
    reconcileAtStartup: { enabled: env.RECONCILE_AT_STARTUP, delayMs: env.RECONCILE_STARTUP_DELAY_MS, timeoutMs: env.RECONCILE_STARTUP_TIMEOUT_MS },
    limits: {
      maxBodyBytes: env.MAX_BODY_BYTES,
      maxDepth: env.MAX_DEPTH,
      maxCost: env.MAX_COST,
      maxAliases: env.MAX_ALIASES,
      maxTokens: env.MAX_TOKENS,
      maxDirectives: env.MAX_DIRECTIVES,
      maxBatchOperations: env.MAX_BATCH_OPERATIONS,
      introspection: env.INTROSPECTION ?? env.NODE_ENV !== "production",
      rateLimitRequests: env.RATE_LIMIT_REQUESTS,
      rateLimitWindowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      maxSubscriptionsPerConnection: env.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxSubscriptionsPerTenant: env.MAX_SUBSCRIPTIONS_PER_TENANT,
    },
    auth: {
      apiKeys: env.API_KEYS,
      apiKeysFile: env.API_KEYS_FILE,
      jwt: { jwksUrl: env.JWT_JWKS_URL, jwksFile: env.JWT_JWKS_FILE, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, tenantClaim: env.JWT_TENANT_CLAIM, allowNoExp: env.JWT_ALLOW_NO_EXP },
      allowUnauthenticated: env.ALLOW_UNAUTHENTICATED,
    },
    federation: { routerSecret: env.ROUTER_SECRET, routerSecretHeader: env.ROUTER_SECRET_HEADER },
    events: {
      redisUrl: env.REDIS_URL,
      channel: env.EVENT_CHANNEL,
      sweepIntervalMs: env.EVENT_SWEEP_INTERVAL_MS,
      subscriberBuffer: env.SUBSCRIBER_BUFFER,
      subscriberMaxQueuedBytes: env.SUBSCRIBER_MAX_QUEUED_BYTES,
    },
    watcher: {
      enabled: env.WATCHER_ENABLED,
      tickMs: env.WATCHER_TICK_MS,
      minIntervalMs: env.WATCHER_MIN_INTERVAL_MS,
      maxIntervalMs: env.WATCHER_MAX_INTERVAL_MS,
      batchSize: env.WATCHER_BATCH_SIZE,
      leaseTtlMs: env.WATCHER_LEASE_TTL_MS,
    },
    jobWatcher: {
      tickMs: env.JOB_WATCHER_TICK_MS,
      minIntervalMs: env.JOB_WATCHER_MIN_INTERVAL_MS,
      maxIntervalMs: env.JOB_WATCHER_MAX_INTERVAL_MS,
      batchSize: env.JOB_WATCHER_BATCH_SIZE,
      expectedDurationMs: env.JOB_EXPECTED_DURATION_MS,
      resultAttempts: env.JOB_RESULT_ATTEMPTS,
      missingGraceMs: env.JOB_MISSING_GRACE_MS,
      stuckAfterMs: env.JOB_STUCK_AFTER_MS,
    },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    emulator: { port: env.EMULATOR_PORT, activationDelayMs: env.EMULATOR_ACTIVATION_DELAY_MS },
  };
}
