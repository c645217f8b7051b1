/**
 * Carries recorded events to every gateway instance: in-memory by default, over Redis
 * pub/sub when REDIS_URL is set, both through graphql-yoga's pub/sub (the Redis one with
 * @graphql-yoga/redis-event-target). The bus may lose a message (Redis down, a process dying
 * between commit and publish); EventRelay fills such gaps from the durable event log.
 */
import { createPubSub, filter, map, pipe, type PubSub } from "@graphql-yoga/subscription";
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
    return busOver(pubSub, options.channel, "memory", options.log, async () => {});
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
    ...busOver(pubSub, options.channel, "redis", options.log, async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    }),
    redis: publishClient,
  };
}

function busOver(pubSub: PubSub<Topics>, topic: string, kind: EventBus["kind"], log: Logger, close: () => Promise<void>): EventBus {
  // A message that does not decode (another instance's bug, or a version that writes another
  // shape) is dropped, not thrown: a throw would end the one bus subscription for good. The
  // relay's sweep delivers the event from the log instead.
  const decode = (wire: WireEvent): GatewayEvent | undefined => {
    try {
      return fromWire(wire);
    } catch (error) {
      log.warn({ err: error, eventId: (wire as { id?: unknown } | null)?.id }, "dropped an event bus message that does not decode; the sweep delivers it");
      return undefined;
    }
  };
  return {
    kind,
    publish: (event) => pubSub.publish(topic, toWire(event)),
    // Repeaters, not async generators: return() on a generator waits for its next event.
    subscribe: () => pipe(pubSub.subscribe(topic), map(decode), filter((event): event is GatewayEvent => event !== undefined)),
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
