/**
 * Each instance's single consumer of the bus, and the fan-out to that instance's
 * subscribers. It guarantees every event reaches every local subscriber exactly once:
 *   - the bus delivers almost every event within milliseconds;
 *   - a sweep of the durable event log every few seconds delivers any event the bus lost
 *     (a publisher that died between commit and publish, a Redis outage);
 *   - a memory of delivered event ids drops the second copy, whichever path came first.
 * Events that happened before the relay started are history, served by `after` replay.
 *
 * Hand-over is synchronous and depth-first: each subscriber gets the event to the end (for
 * a WebSocket subscriber, down to its socket) before the next one. A large fan-out is cut
 * into turns of `deliveriesPerTurn` subscribers with setImmediate between them, so the
 * first sockets are written early, other I/O is not starved for the whole fan-out, and
 * the garbage of one turn dies young. Events go out one after the other, in order, each to
 * the subscribers that were registered when the relay received it.
 */
import type { Logger } from "pino";
import type { EventFilter, EventOf, GatewayEvent, Store } from "../store/ports.js";
import type { EventBus } from "./event-bus.js";
import { eventStream, type EventStream } from "./event-stream.js";

export interface EventRelaySettings {
  /** How often the event log is swept for events the bus lost. */
  sweepIntervalMs: number;
  /** How far back a sweep looks; ids are remembered twice as long. */
  sweepLookbackMs: number;
  /** Events a slow subscriber may fall behind before it is cut off. */
  subscriberBuffer: number;
  /** Subscribers served per event-loop turn of a fan-out (default 500). */
  deliveriesPerTurn?: number;
}

export type EventPredicate = (event: GatewayEvent) => boolean;

/** One live subscription as the relay sees it. */
export interface RelaySubscriber {
  accepts: EventPredicate;
  /** Takes the event synchronously; must not throw (a throw is logged and skipped). */
  deliver(event: GatewayEvent): void;
  /** The relay is stopping: nothing more will come. */
  end(): void;
}

const DEFAULT_DELIVERIES_PER_TURN = 500;

interface Fanout {
  event: GatewayEvent;
  /** The subscribers registered when the event arrived. */
  to: RelaySubscriber[];
  next: number;
}

export class EventRelay {
  /**
   * Subscribers by group, in fan-out order: a group's members are served one after the
   * other (e.g. the subscriptions of one socket, so their frames leave in one write).
   */
  private readonly groups = new Map<unknown, Set<RelaySubscriber>>();
  private readonly groupOf = new Map<RelaySubscriber, unknown>();
  private readonly delivered = new Map<number, number>();
  private readonly outbox: Fanout[] = [];
  private draining = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private consuming: Promise<void> | undefined;
  private busStream: AsyncIterableIterator<GatewayEvent> | undefined;
  private startedAt = new Date();
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly store: Store,
    private readonly settings: EventRelaySettings,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.startedAt = new Date();
    this.busStream = this.bus.subscribe();
    const stream = this.busStream;
    this.consuming = (async () => {
      try {
        for await (const event of stream) this.deliver(event);
      } catch (error) {
        this.log.error({ err: error }, "event bus subscription ended; the sweep keeps events flowing");
      }
    })();
    this.sweepTimer = setInterval(() => void this.sweep(), this.settings.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /** Publishes a just-recorded event to every instance (this one included, through the bus). */
  publish(event: GatewayEvent): void {
    try {
      this.bus.publish(event);
    } catch (error) {
      this.log.warn({ err: error, eventId: event.id }, "publish failed; the next sweep delivers the event");
    }
  }

  /**
   * The one entry point for subscriptions: a tenant's events of the filter's kind, after
   * `after` (replayed from the log) and then live, with no gap and no duplicate at the seam.
   * Registered with this relay at once, before anyone reads it.
   */
  stream<F extends EventFilter>(tenantId: string, filter: F, after?: number): EventStream<EventOf<F>> {
    return eventStream(this, this.store, { tenantId, filter, after });
  }

  /**
   * Registers a subscriber at once; events received from now on reach it. Subscribing it
   * again moves it to `group`, missing nothing. Returns its unsubscribe.
   */
  subscribe(subscriber: RelaySubscriber, group?: unknown): () => void {
    this.leave(subscriber);
    this.groupOf.set(subscriber, group);
    let members = this.groups.get(group);
    if (!members) this.groups.set(group, (members = new Set()));
    members.add(subscriber);
    return () => this.leave(subscriber);
  }

  get subscriberCount(): number {
    return this.groupOf.size;
  }

  /** Events a slow subscriber may fall behind before it is cut off. */
  get subscriberBuffer(): number {
    return this.settings.subscriberBuffer;
  }

  /** Delivers events the bus lost. Exposed for tests and for shutdown's last pass. */
  sweep(): Promise<void> {
    this.sweeping ??= (async () => {
      try {
        const since = new Date(Math.max(this.startedAt.getTime(), Date.now() - this.settings.sweepLookbackMs));
        for (const event of await this.store.events.listSince(since, 10_000)) this.deliver(event);
        this.forgetOld();
      } catch (error) {
        this.log.warn({ err: error }, "event log sweep failed; retrying on the next interval");
      } finally {
        this.sweeping = undefined;
      }
    })();
    return this.sweeping;
  }

  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.busStream?.return?.();
    await this.consuming;
    await this.sweeping;
    this.outbox.length = 0;
    const subscribers = [...this.groupOf.keys()];
    this.groupOf.clear();
    this.groups.clear();
    for (const subscriber of subscribers) subscriber.end();
  }

  private leave(subscriber: RelaySubscriber): void {
    if (!this.groupOf.has(subscriber)) return;
    const group = this.groupOf.get(subscriber);
    this.groupOf.delete(subscriber);
    const members = this.groups.get(group)!;
    members.delete(subscriber);
    if (members.size === 0) this.groups.delete(group);
  }

  /** Everyone registered now, group after group. */
  private snapshot(): RelaySubscriber[] {
    const all: RelaySubscriber[] = [];
    for (const members of this.groups.values()) for (const subscriber of members) all.push(subscriber);
    return all;
  }

  private deliver(event: GatewayEvent): void {
    if (this.delivered.has(event.id)) return;
    if (event.occurredAt < this.startedAt) return; // history: replay serves it
    this.delivered.set(event.id, Date.now());
    if (this.groupOf.size === 0) return;
    this.outbox.push({ event, to: this.snapshot(), next: 0 });
    if (!this.draining) this.drain();
  }

  /** Works through the outbox, one turn's worth of deliveries at a time. */
  private readonly drain = (): void => {
    this.draining = true;
    let budget = this.settings.deliveriesPerTurn ?? DEFAULT_DELIVERIES_PER_TURN;
    while (this.outbox.length > 0) {
      const fanout = this.outbox[0];
      const { event, to } = fanout;
      while (fanout.next < to.length) {
        if (budget <= 0) {
          setImmediate(this.drain);
          return;
        }
        const subscriber = to[fanout.next++];
        if (!this.groupOf.has(subscriber)) continue; // left since the event arrived
        try {
          if (subscriber.accepts(event)) {
            budget--;
            subscriber.deliver(event);
          }
        } catch (error) {
          this.log.error({ err: error, eventId: event.id }, "a subscriber failed to take an event; the others still get it");
        }
      }
      this.outbox.shift();
    }
    this.draining = false;
  };

  private forgetOld(): void {
    const horizon = Date.now() - 2 * this.settings.sweepLookbackMs;
    for (const [id, at] of this.delivered) {
      if (at < horizon) this.delivered.delete(id);
      else break; // Map keeps insertion order, so the rest are newer
    }
  }
}
