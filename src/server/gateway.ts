/**
 * Starts and stops the whole gateway: the one place that owns resources. Order matters:
 * the database first (migrated), then backends (the embedded emulator in embedded mode),
 * then recovery of interrupted creates, then HTTP. Stopping runs the same list backwards.
 */
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import { GatewayError } from "../domain/errors.js";
import { createAuthenticator, RouterCheck } from "../auth/index.js";
import { createBackendAccounts, endpointKey, type BackendSettings } from "../backends/index.js";
import type { Config } from "../config.js";
import { createContext, type GatewayContext } from "../graphql/context.js";
import { buildGatewaySchema } from "../graphql/schema.js";
import { createEventBus, EventRelay, startWebSocketEndpoint } from "../subscriptions/index.js";
import { reconcileAtStartup } from "../reconcile/startup.js";
import { ActivationWatcher } from "../services/activation-watcher.js";
import { JobResultReader } from "../services/job-result-reader.js";
import { JobCheckSchedule } from "../services/job-check-schedule.js";
import { JobWatcher } from "../services/job-watcher.js";
import { ShardLeases } from "../services/shard-leases.js";
import { ResultDocumentFetcher } from "../backends/result-document-fetcher.js";
import { resultDocumentOrigins } from "./result-origins.js";
import { createServices, type Services } from "../services/index.js";
import { openStore } from "../store/index.js";
import { assignLegacyAccounts } from "./legacy-accounts.js";
import { startEmbeddedEmulator, type EmbeddedEmulator } from "./embedded-emulator.js";
import { createHttpApp } from "./http-app.js";
import { graphqlRoute } from "./http-graphql-route.js";
import { localOnlyCheck } from "./http-local-only.js";
import { createHttpServer } from "./http-server.js";
import { createLogger } from "./logger.js";
import { GatewayMetrics } from "./metrics.js";
import { metricsHandler, startMetricsListener } from "./metrics-endpoint.js";
import { httpStatusPlugin } from "./http-status.js";
import { createOperationGuard } from "./operation-guard.js";
import { createTenantRateLimiter } from "./rate-limit.js";
import { routerOnlyInlineTrace } from "./router-trace.js";
import { backendSettingsFrom, serviceSettingsFrom, tenantCredentialsFrom } from "./settings-from-config.js";

export interface RunningGateway {
  /** http://host:port */
  url: string;
  graphqlUrl: string;
  /** Where /metrics is served (its own listener when METRICS_PORT is set); null when it is not served. */
  metricsUrl: string | null;
  services: Services;
  events: EventRelay;
  /** Null when WATCHER_ENABLED=false. */
  watcher: ActivationWatcher | null;
  /** Null when WATCHER_ENABLED=false. */
  jobWatcher: JobWatcher | null;
  /** Set in embedded mode: the emulator's base URL. */
  emulatorUrl?: string;
  log: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

export async function startGateway(config: Config, options: StartOptions = {}): Promise<RunningGateway> {
  const log = options.logger ?? createLogger(config.logLevel);
  // Settings problems first: nothing is started when authentication is misconfigured.
  const authenticator = createAuthenticator(config);
  const tenantCredentials = tenantCredentialsFrom(config);
  if (tenantCredentials.size > 0) {
    log.info({ tenants: [...tenantCredentials.keys()] }, "tenants with their own cloud account (TENANT_CREDENTIALS_FILE)");
  }
  const routerCheck = new RouterCheck({ ...config.federation, introspection: config.limits.introspection });
  if (!routerCheck.configured && !config.limits.introspection) {
    log.info("no ROUTER_SECRET: _service and inline traces are refused to everyone (set it when a federation router composes this subgraph)");
  }
  if (authenticator.developmentMode) {
    log.warn(
      { tenant: config.defaultTenant },
      "DEVELOPMENT MODE: no API_KEYS, API_KEYS_FILE or JWT_JWKS_* set, so every caller is the default tenant and nothing is authenticated; /graphql serves only requests addressed to localhost (or DEV_ALLOWED_HOSTS) and no web page of another site",
    );
  }
  const cleanup: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch((error) => log.error({ err: error }, "error while stopping"));
  };

  try {
    let emulator: EmbeddedEmulator | undefined;
    if (config.mode === "embedded") {
      emulator = await startEmbeddedEmulator(config);
      cleanup.push(() => emulator!.close());
      log.info(
        { emulator: emulator.url },
        "embedded mode: no ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET set, so ICE and MPS are served by the local emulator started in-process",
      );
    } else {
      log.info({ endpoints: config.cloud.endpoints, protocol: config.cloud.protocol }, "cloud mode: calling Alibaba Cloud ICE and MPS");
    }

    // The schema needs nothing of the database: built while the store opens (its imports and
    // file reads leave gaps), about 40 ms off start-up. Awaited below, where it is used.
    const schemaReady = buildGatewaySchema();
    schemaReady.catch(() => {}); // a failure surfaces at the await; no unhandled rejection meanwhile
    const store = await openStore({ databaseUrl: config.databaseUrl, log: (msg, fields) => log.info(fields ?? {}, msg) });
    cleanup.push(() => store.close());

    const metrics = new GatewayMetrics(store);
    metrics.watchJobs(store.jobs);
    const backendSettings: BackendSettings = { ...backendSettingsFrom(config), ...emulator?.backendSettings };
    const accounts = createBackendAccounts(backendSettings, tenantCredentials, metrics.observeBackendCall);
    await assignLegacyAccounts(store, accounts, log);
    const services = createServices(
      store,
      accounts,
      serviceSettingsFrom(config),
      log,
    );

    // Events: recorded with each status change (in the store's transaction), carried to every
    // instance by the bus, fanned out to this instance's subscribers by the relay.
    const bus = await createEventBus({ redisUrl: config.events.redisUrl, channel: config.events.channel, log });
    cleanup.push(() => bus.close());
    const events = new EventRelay(bus, store, config.events, log);
    await events.start();
    log.debug({ bus: bus.kind }, "event relay started");
    cleanup.push(() => events.stop());
    services.recorder.onEvent((event) => events.publish(event));
    services.jobRecorder.onEvent((event) => events.publish(event));

    // Creates interrupted by a crash are settled now and then every stale period, so a
    // retry with the same idempotencyKey finds them done.
    await services.recovery.sweep(config.createIntentStaleMs).catch((error) => log.error({ err: error }, "create recovery failed at start-up"));
    // Job submits likewise (a job row is its own intent).
    await services.jobRecovery.sweep(config.createIntentStaleMs).catch((error) => log.error({ err: error }, "job submit recovery failed at start-up"));
    log.debug("start-up recovery sweep done");
    const sweeper = setInterval(() => {
      services.recovery.sweep(config.createIntentStaleMs).catch((error) => log.error({ err: error }, "create recovery sweep failed"));
      services.jobRecovery.sweep(config.createIntentStaleMs).catch((error) => log.error({ err: error }, "job submit recovery sweep failed"));
    }, config.createIntentStaleMs);
    sweeper.unref();
    cleanup.push(async () => clearInterval(sweeper));

    const httpServer: Server = createHttpServer(config.http);
    // No authentication: only local requests, not web pages of other sites (HTTP and WebSocket).
    const localOnly = authenticator.developmentMode ? localOnlyCheck({ listenHost: config.http.host, allowedHosts: config.http.devAllowedHosts }) : null;
    const schema = await schemaReady;
    const httpContext = async (req: IncomingMessage) =>
      createContext(services, events, (await authenticator.authenticate(req.headers.authorization)).tenantId, routerCheck.proves(req.headers[routerCheck.header]));
    // One guard for every operation on every transport: limits, rate limit, error formatting.
    const rateLimiter = createTenantRateLimiter({
      requests: config.limits.rateLimitRequests,
      windowSeconds: config.limits.rateLimitWindowSeconds,
      redis: bus.redis,
    });
    const guard = createOperationGuard(config.limits, rateLimiter, log);
    const apollo = new ApolloServer<GatewayContext>({
      schema,
      formatError: guard.formatError,
      includeStacktraceInErrorResponses: false,
      introspection: config.limits.introspection,
      // CSRF is checked by the HTTP route (http-csrf.ts), which lets a GET query through
      // without a preflight header; batches are bounded there too (MAX_BATCH_OPERATIONS),
      // and Apollo runs each operation of one through the whole pipeline (the guard included).
      csrfPrevention: false,
      allowBatchedHttpRequests: config.limits.maxBatchOperations > 0,
      validationRules: [...guard.validationRules],
      parseOptions: { maxTokens: guard.maxTokens },
      // No cache-control hints are set anywhere, and Apollo's cache-control plugin would wrap
      // every field resolver to compute them (a per-field hook on 50-row pages).
      // httpStatusPlugin before the guard: a subscription sent over HTTP is refused uncounted.
      plugins: [ApolloServerPluginCacheControlDisabled(), metrics.apolloPlugin(), httpStatusPlugin(), guard.apolloPlugin(), routerOnlyInlineTrace()],
      logger: log,
    });
    await apollo.start();
    log.debug("graphql server started");
    cleanup.push(() => apollo.stop());

    const scrape = metricsHandler(metrics, config.metrics.token);
    let metricsListener: { url: string; close(): Promise<void> } | undefined;
    if (config.metrics.listen) {
      metricsListener = await startMetricsListener(config.metrics.listen, scrape);
      cleanup.push(() => metricsListener!.close());
    } else if (!config.metrics.onMainPort) {
      log.warn("NODE_ENV=production and neither METRICS_TOKEN nor METRICS_PORT is set: /metrics is not served (see docs/security.md)");
    }
    const app = createHttpApp({
      graphql: graphqlRoute({
        apollo,
        context: (req) => httpContext(req).catch((error) => Promise.reject(asHttpError(error))),
        bodyLimit: config.limits.maxBodyBytes,
        maxBatchOperations: config.limits.maxBatchOperations,
        localOnly,
      }),
      store,
      metrics: config.metrics.onMainPort ? scrape : null,
      embeddedEmulator: emulator ? { url: emulator.url, region: config.regions.default } : null,
    });
    httpServer.on("request", app);
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.http.port, config.http.host, () => resolve());
    });
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          // Requests in flight get SHUTDOWN_GRACE_MS to finish; idle keep-alive sockets go now.
          const force = setTimeout(() => httpServer.closeAllConnections(), config.shutdownGraceMs);
          force.unref();
          httpServer.close(() => {
            clearTimeout(force);
            resolve();
          });
          httpServer.closeIdleConnections();
        }),
    );

    const webSockets = startWebSocketEndpoint({
      httpServer,
      path: "/graphql",
      schema,
      authenticate: async (params, request) => {
        const notLocal = localOnly?.(request);
        if (notLocal) throw new GatewayError("FORBIDDEN", notLocal.message);
        const caller = await authenticator.authenticate(authorizationFrom(params));
        // A router may send its secret on the upgrade request or in connection_init.
        const router = routerCheck.proves(request.headers[routerCheck.header] ?? stringParam(params, routerCheck.header));
        return { tenantId: caller.tenantId, router, expiresAt: caller.expiresAt };
      },
      // Synchronous: every event's fan-out makes one context per shape, without a promise.
      context: (tenantId, router) => createContext(services, events, tenantId, router),
      guard,
      maxMessageBytes: config.limits.maxBodyBytes,
      maxSubscriptionsPerConnection: config.limits.maxSubscriptionsPerConnection,
      maxSubscriptionsPerTenant: config.limits.maxSubscriptionsPerTenant,
      maxQueuedBytes: config.events.subscriberMaxQueuedBytes,
      onTooSlow: metrics.webSocketTooSlow,
      log,
    });
    cleanup.push(() => webSockets.close());
    metrics.watchWebSockets(webSockets);

    let watcher: ActivationWatcher | null = null;
    let jobWatcher: JobWatcher | null = null;
    if (config.watcher.enabled) {
      // One set of shard leases for both watchers: a shard's libraries and jobs are watched by one instance.
      const leases = new ShardLeases(store.leases, config.watcher.leaseTtlMs, log);
      cleanup.push(() => leases.release());
      const started = new ActivationWatcher(store, services.lifecycle, services.liveReads, config.watcher, log, leases);
      started.start();
      watcher = started;
      cleanup.push(() => started.stop());
      const results = new JobResultReader(new ResultDocumentFetcher({ allowedOrigins: resultDocumentOrigins(backendSettings, emulator?.url) }));
      const jobs = new JobWatcher(
        { jobs: store.jobs, accounts, leases, recorder: services.jobRecorder, results, observer: metrics.jobWatcher },
        config.jobWatcher,
        log,
      );
      jobs.start();
      jobWatcher = jobs;
      // A new job is first read when the jobs like it usually finish, as this watcher has learned.
      services.firstJobCheck.use((job, now) => jobs.schedule.nextCheckAt(job, now));
      cleanup.push(() => jobs.stop());
    } else {
      // Another instance watches: schedule new jobs by the configured expectation alone.
      const schedule = new JobCheckSchedule(config.jobWatcher);
      services.firstJobCheck.use((job, now) => schedule.nextCheckAt(job, now));
    }

    // Drift between the registry and the backends (a library deleted in the console, a create
    // that landed after the gateway gave up) is found once per fleet start, in the background.
    // Not in embedded mode: its emulator starts empty every time, so everything would be drift.
    if (config.mode === "cloud" && config.reconcileAtStartup.enabled) {
      const startupReconcile = reconcileAtStartup(services, log, {
        delayMs: config.reconcileAtStartup.delayMs,
        timeoutMs: config.reconcileAtStartup.timeoutMs,
        listingKey: (backend, region) => endpointKey(backendSettings, backend, region),
      });
      cleanup.push(() => startupReconcile.stop());
    }

    const { port } = httpServer.address() as AddressInfo;
    const host = config.http.host === "0.0.0.0" || config.http.host === "::" ? "localhost" : config.http.host;
    const url = `http://${host}:${port}`;
    log.info(
      { url: `${url}/graphql`, database: store.kind, events: bus.kind, watcher: watcher?.instanceId ?? "off", mode: config.mode },
      "fingerprint gateway ready",
    );

    let closed: Promise<void> | undefined;
    const metricsUrl = metricsListener?.url ?? (config.metrics.onMainPort ? `${url}/metrics` : null);
    return { url, graphqlUrl: `${url}/graphql`, metricsUrl, services, events, watcher, jobWatcher, emulatorUrl: emulator?.url, log, close: () => (closed ??= stop()) };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Apollo keeps a GraphQLError thrown by the context function as is, with its HTTP status. */
function asHttpError(error: unknown): unknown {
  if (error instanceof GatewayError && error.code === "UNAUTHENTICATED") {
    return new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401, headers: new Map([["www-authenticate", "Bearer"]]) } } });
  }
  return error;
}

/** A connection_init parameter by case-insensitive name, when it is a string. */
function stringParam(params: Record<string, unknown> | undefined, name: string): string | undefined {
  const key = params && Object.keys(params).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : params![key];
  return typeof value === "string" ? value : undefined;
}

/** graphql-ws clients send it as `Authorization` or `authorization`, with or without "Bearer". */
function authorizationFrom(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.Authorization ?? params?.authorization;
  if (typeof value !== "string") return undefined;
  return /^Bearer\s/i.test(value) ? value : `Bearer ${value}`;
}
