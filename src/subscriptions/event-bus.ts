/**
 * Carries recorded events to every gateway instance: in-memory by default, over Redis
 * pub/sub when REDIS_URL is set, both through graphql-yoga's pub/sub (the Redis one with
 * @graphql-yoga/redis-event-target). The bus may lose a message (Redis down, a process dying
 * between commit and publish); EventRelay fills such gaps from the durable event log.
 */
import { createPubSub, map, type PubSub } from "@graphql-yoga/subscription";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { GatewayEvent } from "../store/ports.js";
import { fromWire, toWire, type WireEvent } from "./wire.js";

/** One topic carries every event; its name is the Redis channel (EVENT_CHANNEL). */
type Topics = Record<string, [WireEvent]>;

export interface EventBus {
  readonly kind: "memory" | "redis";
  /** The publishing Redis connection, for others that need Redis (the rate limiter); unset in memory. */
  readonly redis?: Redis;
  publish(event: GatewayEvent): void;
  /** Every event published by any instance, from now on. Its return() ends it at once. */
  subscribe(): AsyncIterableIterator<GatewayEvent>;
  close(): Promise<void>;
}

export async function createEventBus(options: { redisUrl?: string; channel: string; log: Logger }): Promise<EventBus> {
  if (!options.redisUrl) {
    const pubSub = createPubSub<Topics>();
    return busOver(pubSub, options.channel, "memory", async () => {});
  }
  // Loaded only when Redis is used: ioredis and its event target cost ~100 ms of start-up.
  const [{ Redis }, { createRedisEventTarget }] = await Promise.all([import("ioredis"), import("@graphql-yoga/redis-event-target")]);
  const connect = (role: string) => {
    const client = new Redis(options.redisUrl!, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    client.on("error", (error) => options.log.warn({ err: { message: error.message }, role }, "redis connection problem"));
    return client;
  };
  const publishClient = connect("publish");
  const subscribeClient = connect("subscribe");
  try {
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  } catch (error) {
    publishClient.disconnect();
    subscribeClient.disconnect();
    throw new Error(`Cannot reach Redis at REDIS_URL (${redact(options.redisUrl)}): ${(error as Error).message}`);
  }
  const pubSub = createPubSub<Topics>({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
  return {
    ...busOver(pubSub, options.channel, "redis", async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    }),
    redis: publishClient,
  };
}

function busOver(pubSub: PubSub<Topics>, topic: string, kind: EventBus["kind"], close: () => Promise<void>): EventBus {
  return {
    kind,
    publish: (event) => pubSub.publish(topic, toWire(event)),
    // A Repeater, not an async generator: return() on a generator waits for its next event.
    subscribe: () => map(fromWire)(pubSub.subscribe(topic)),
    close,
  };
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "an unparsable URL";
  }
}
