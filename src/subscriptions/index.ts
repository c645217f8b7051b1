/**
 * Subscriptions: how a status change recorded in the store reaches a client's socket, in
 * the order an event travels. Everything a subscription needs, from the bus to the socket,
 * is in this folder; resolvers only ask `events.stream(tenantId, filter, after)`.
 *
 *  1. Recorded. A library's or a job's status change and its event are written in one
 *     transaction (src/store: LibraryRepository.transition, JobRepository.transition) into
 *     ONE event log with one id sequence: `GatewayEvent = LibraryEvent | JobEvent`. The id
 *     is the order and the `after` cursor of every subscription.
 *  2. Carried (event-bus.ts, wire.ts). The writer publishes the event to the bus: in memory
 *     in one process, Redis pub/sub across instances, as JSON (wire.ts; a job in the one
 *     JSON shape of src/domain/job-json.ts). The bus may lose a message.
 *  3. Relayed (event-relay.ts). Each instance has one relay, the bus's only consumer here.
 *     It delivers every event to every local subscriber exactly once: the bus within
 *     milliseconds, a sweep of the log every few seconds for what the bus lost, a memory of
 *     delivered ids against the second copy. The fan-out is depth-first and synchronous,
 *     in turns of 500 subscribers so other I/O is not starved.
 *  4. Chosen (event-filter.ts). A subscription is a filter of one kind (LIBRARY or JOB) for
 *     one tenant; the same predicate decides live, and the log's query applies the same
 *     fields on replay. A library subscription never sees a job's event.
 *  5. Streamed (event-stream.ts). A stream registers with the relay the moment the resolver
 *     makes it, then (with `after`) replays the log after that id, holding live events
 *     meanwhile and dropping those the replay carried: no gap, no duplicate at the seam. A
 *     reader too far behind is cut off (it resubscribes with `after`). It is pushed, never
 *     pulled: its one sink gets each event synchronously, no promise per event.
 *  6. Served (websocket-endpoint.ts, graphql-ws-transport.ts). graphql-ws 6.4.2 on the
 *     /graphql path, over our copy of its `useServer` (logging through pino, 4400 for
 *     server-only messages). Every operation passes the operation guard as over HTTP;
 *     documents are parsed and validated once per distinct text (document-cache.ts); a JWT
 *     socket closes when the token expires (socket-expiry.ts). Every error a subscriber
 *     sees goes through the one formatter HTTP uses (formatErrors, src/graphql/errors.ts).
 *  7. Executed once per shape (shared-payloads.ts). Subscribers with the same tenant,
 *     document and variables share one execution and one JSON string per event.
 *  8. Written (socket-subscription.ts, socket-writer.ts). Each event becomes the `next`
 *     frame graphql-ws would send, written straight to the socket; a socket's frames of one
 *     turn leave in one writev; a socket that holds too many unsent bytes is closed (4413)
 *     instead of growing memory, and its client resubscribes with `after`.
 */
export { createEventBus, type EventBus } from "./event-bus.js";
export { EventRelay, type EventRelaySettings, type RelaySubscriber } from "./event-relay.js";
export type { EventStream } from "./event-stream.js";
export { startWebSocketEndpoint, type SocketCaller, type WebSocketEndpoint } from "./websocket-endpoint.js";
