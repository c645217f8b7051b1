import { Arg, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import { badInput } from "../../domain/errors.js";
import { libraryEventStream } from "../../events/event-stream.js";
import type { LibraryEvent, LibraryEventFilter as StoreEventFilter } from "../../store/ports.js";
import type { GatewayContext } from "../context.js";
import { libraryIdFrom } from "../global-id.js";
import { LibraryEventFilter, LibraryStatusEventType } from "../types/library-event.js";

const MAX_FILTER_IDS = 100;

interface SubscriptionArgs {
  filter?: LibraryEventFilter | null;
  after?: string | null;
}

@Resolver()
export class LibrarySubscriptionResolver {
  @Subscription(() => LibraryStatusEventType, {
    description: "Fires once per library, when it first turns ACTIVE.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, SubscriptionArgs, GatewayContext>) =>
      stream(context, args, { firstActivationOnly: true }),
  })
  fingerprintLibraryActivated(
    @Root() event: LibraryEvent,
    @Arg("filter", () => LibraryEventFilter, { nullable: true, description: "Only matching libraries." }) _filter?: LibraryEventFilter | null,
  ): LibraryStatusEventType {
    return LibraryStatusEventType.from(event);
  }

  @Subscription(() => LibraryStatusEventType, {
    description: "Every status change. With `after`, first replays the stored events after that eventId.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, SubscriptionArgs, GatewayContext>) => stream(context, args, {}),
  })
  fingerprintLibraryStatusChanged(
    @Root() event: LibraryEvent,
    @Arg("filter", () => LibraryEventFilter, { nullable: true, description: "Only matching libraries." }) _filter?: LibraryEventFilter | null,
    @Arg("after", () => ID, { nullable: true, description: "Replay the stored events after this eventId first, then continue live." })
    _after?: string | null,
  ): LibraryStatusEventType {
    return LibraryStatusEventType.from(event);
  }
}

function stream(context: GatewayContext, args: SubscriptionArgs, base: StoreEventFilter) {
  const filter = toStoreFilter(args.filter, base);
  const after = args.after === undefined || args.after === null ? undefined : parseEventId(args.after);
  return libraryEventStream(context.events, context.services.store, { tenantId: context.tenantId, filter, after });
}

function toStoreFilter(filter: LibraryEventFilter | null | undefined, base: StoreEventFilter): StoreEventFilter {
  const ids = filter?.ids ?? undefined;
  if (ids && ids.length > MAX_FILTER_IDS) throw badInput("filter.ids", `filter.ids holds ${ids.length} ids; the limit is ${MAX_FILTER_IDS}.`);
  return {
    ...base,
    ...(ids ? { libraryIds: ids.map((id) => libraryIdFrom(id, "filter.ids")) } : {}),
    ...(filter?.backend ? { backend: filter.backend } : {}),
    ...(filter?.model ? { model: filter.model } : {}),
  };
}

function parseEventId(after: string): number {
  const id = Number(after);
  if (!/^\d{1,15}$/.test(after) || !Number.isSafeInteger(id)) {
    throw badInput("after", `after must be an eventId from a LibraryStatusEvent (a whole number); got "${after.slice(0, 40)}".`);
  }
  return id;
}
