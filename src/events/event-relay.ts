/**
 * Each instance's single consumer of the bus, and the fan-out to that instance's
 * subscribers. It guarantees every event reaches every local subscriber exactly once:
 *   - the bus delivers almost every event within milliseconds;
 *   - a sweep of the durable event log every few seconds delivers any event the bus lost
 *     (a publisher that died between commit and publish, a Redis outage);
 *   - a memory of delivered event ids drops the second copy, whichever path came first.
 * Events that happened before the relay started are history, served by `after` replay.
 */
import type { Logger } from "pino";
import type { LibraryEvent, Store } from "../store/ports.js";
import type { EventBus } from "./event-bus.js";
import { EventQueue } from "./event-queue.js";

export interface EventRelaySettings {
  /** How often the event log is swept for events the bus lost. */
  sweepIntervalMs: number;
  /** How far back a sweep looks; ids are remembered twice as long. */
  sweepLookbackMs: number;
  /** Events a slow subscriber may fall behind before it is cut off. */
  subscriberBuffer: number;
}

export type EventPredicate = (event: LibraryEvent) => boolean;

export class EventRelay {
  private readonly subscribers = new Set<{ accepts: EventPredicate; queue: EventQueue<LibraryEvent> }>();
  private readonly delivered = new Map<number, number>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private consuming: Promise<void> | undefined;
  private busStream: AsyncIterableIterator<LibraryEvent> | undefined;
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
  publish(event: LibraryEvent): void {
    try {
      this.bus.publish(event);
    } catch (error) {
      this.log.warn({ err: error, eventId: event.id }, "publish failed; the next sweep delivers the event");
    }
  }

  /** A live stream of the events that pass `accepts`, registered at once. */
  subscribe(accepts: EventPredicate): EventQueue<LibraryEvent> {
    const entry = { accepts, queue: undefined as unknown as EventQueue<LibraryEvent> };
    entry.queue = new EventQueue<LibraryEvent>(this.settings.subscriberBuffer, () => this.subscribers.delete(entry));
    this.subscribers.add(entry);
    return entry.queue;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
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
    for (const { queue } of [...this.subscribers]) queue.return();
  }

  private deliver(event: LibraryEvent): void {
    if (this.delivered.has(event.id)) return;
    if (event.occurredAt < this.startedAt) return; // history: replay serves it
    this.delivered.set(event.id, Date.now());
    for (const { accepts, queue } of this.subscribers) {
      if (accepts(event)) queue.push(event);
    }
  }

  private forgetOld(): void {
    const horizon = Date.now() - 2 * this.settings.sweepLookbackMs;
    for (const [id, at] of this.delivered) {
      if (at < horizon) this.delivered.delete(id);
      else break; // Map keeps insertion order, so the rest are newer
    }
  }
}
