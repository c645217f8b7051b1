/**
 * Each instance's single consumer of the bus, and the fan-out to that instance's
 * subscribers. It hands every event to every local subscriber exactly once and in id
 * order, with no gap, so a client that resumes with `after: <the last id it saw>` misses
 * nothing:
 *   - event ids become visible in commit order (appendEvent), and an event reaches the bus
 *     only after its commit: when event P arrives, every lower id is final (committed, or
 *     rolled back and never to be);
 *   - the relay keeps a watermark, the id up to which everything committed was handed out.
 *     The next id arriving is handed out at once (the usual case: one comparison);
 *   - a higher one waits: the bus may bring the missing ids within moments (two recorders
 *     publish in the other order than they committed), and after GAP_GRACE_MS the relay reads
 *     the log after the watermark and hands out what it finds, in order (a lost publish, or
 *     an id a rolled-back transaction took);
 *   - a sweep reads the log after the watermark every few seconds, for an event the bus lost
 *     when nothing arrived behind it (a publisher that died between commit and publish, a
 *     Redis outage);
 *   - an id at or below the watermark, or already waiting, is a second copy and is dropped;
 *     one waiting behind a gap that the log does not hold once read is not this deployment's
 *     (EVENT_CHANNEL must be the deployment's own), and is dropped.
 * Events up to the log's last id when the relay started are history, served by `after` replay.
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
/** How long a higher id waits for the lower ones on the bus before the log is read for them. */
export const GAP_GRACE_MS = 20;
/** Events read from the log per query when filling a gap. */
const FILL_PAGE = 1_000;
/** Events held behind a gap at most; past that they are dropped and read back from the log. */
const MAX_WAITING = 10_000;

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
  /** Every committed event with an id up to this one has been handed out (or is history). */
  private watermark = 0;
  /** Events above watermark + 1, waiting for the ids below them. */
  private readonly waiting = new Map<number, GatewayEvent>();
  private gapTimer: NodeJS.Timeout | undefined;
  private readonly outbox: Fanout[] = [];
  private draining = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private consuming: Promise<void> | undefined;
  private busStream: AsyncIterableIterator<GatewayEvent> | undefined;
  private filling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly bus: EventBus,
    private readonly store: Store,
    private readonly settings: EventRelaySettings,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    this.watermark = await this.store.events.lastId();
    this.busStream = this.bus.subscribe();
    const stream = this.busStream;
    this.consuming = (async () => {
      try {
        for await (const event of stream) this.receive(event);
      } catch (error) {
        this.log.error({ err: error }, "event bus subscription ended; the sweep keeps events flowing");
      }
    })();
    // Also catches what was committed between reading the last id and the bus subscription.
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

  /** Hands out, in order, every event the log holds after the watermark. Exposed for tests and for shutdown's last pass. */
  sweep(): Promise<void> {
    this.filling ??= (async () => {
      let failed = false;
      // Committed before the read begins, so the read sees them if the log holds them.
      const receivedBefore = [...this.waiting.keys()];
      try {
        for (;;) {
          const page = await this.store.events.listAfterId(this.watermark, FILL_PAGE);
          for (const event of page) {
            if (event.id <= this.watermark) continue;
            this.waiting.delete(event.id);
            this.handOut(event);
          }
          if (page.length < FILL_PAGE || this.stopped) break;
        }
        // The log is the truth: what came over the bus but is not in it (another deployment on
        // the same channel, or an event of a library deleted since) is not handed out.
        const strays = receivedBefore.filter((id) => this.waiting.delete(id));
        if (strays.length > 0) this.log.warn({ eventIds: strays.slice(0, 10), count: strays.length }, "events came over the bus that the event log does not hold; dropped");
      } catch (error) {
        failed = true;
        this.log.warn({ err: error }, "reading the event log failed; events wait for the next attempt");
      } finally {
        this.filling = undefined;
      }
      // Anything still waiting arrived after the read began, or lies behind an id the read
      // found rolled back: hand out what now follows, and look again later for the rest.
      this.handOutWaiting(failed ? this.settings.sweepIntervalMs : GAP_GRACE_MS);
    })();
    return this.filling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
    await this.busStream?.return?.();
    await this.consuming;
    await this.filling;
    clearTimeout(this.gapTimer);
    this.waiting.clear();
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

  /** An event from the bus: handed out now if it is next, else kept until the ids below it are. */
  private receive(event: GatewayEvent): void {
    // Handed out already, history (replay serves it), or a second copy of one waiting.
    if (this.stopped || event.id <= this.watermark || this.waiting.has(event.id)) return;
    if (event.id === this.watermark + 1 && this.filling === undefined) {
      this.handOut(event);
      if (this.waiting.size > 0) this.handOutWaiting(GAP_GRACE_MS);
      return;
    }
    if (this.waiting.size >= MAX_WAITING) {
      // A gap the log could not fill for a long while: keep memory bounded; the log has them all.
      this.log.warn({ waiting: this.waiting.size, watermark: this.watermark }, "too many events behind a gap; reading them back from the event log");
      this.waiting.clear();
      void this.sweep();
      return;
    }
    this.waiting.set(event.id, event);
    this.armGapTimer(GAP_GRACE_MS);
  }

  /** Hands out the waiting events that now follow the watermark; if some still wait, reads the log after `delayMs`. */
  private handOutWaiting(delayMs: number): void {
    for (let next = this.waiting.get(this.watermark + 1); next; next = this.waiting.get(this.watermark + 1)) {
      this.waiting.delete(next.id);
      this.handOut(next);
    }
    if (this.waiting.size === 0) {
      clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    } else {
      this.armGapTimer(delayMs);
    }
  }

  private armGapTimer(delayMs: number): void {
    if (this.gapTimer || this.filling || this.stopped) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      void this.sweep();
    }, delayMs);
  }

  /** The next event in id order: moves the watermark and queues its fan-out. */
  private handOut(event: GatewayEvent): void {
    this.watermark = event.id;
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
}
