import { Arg, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { LibraryEvent, LibraryEventFilter as StoreEventFilter } from "../../store/ports.js";
import type { GatewayContext } from "../context.js";
import { filterIds, parseAfter } from "../event-arguments.js";
import { LibraryEventFilter, LibraryStatusEventType } from "../types/library-event.js";

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

function stream(context: GatewayContext, args: SubscriptionArgs, base: Omit<StoreEventFilter, "kind">) {
  const filter = toStoreFilter(args.filter, base);
  return context.events.stream(context.tenantId, filter, parseAfter(args.after));
}

function toStoreFilter(filter: LibraryEventFilter | null | undefined, base: Omit<StoreEventFilter, "kind">): StoreEventFilter {
  const libraryIds = filterIds(filter?.ids, "FingerprintLibrary", "filter.ids");
  return {
    ...base,
    kind: "LIBRARY",
    ...(libraryIds ? { libraryIds } : {}),
    ...(filter?.backend ? { backend: filter.backend } : {}),
    ...(filter?.model ? { model: filter.model } : {}),
  };
}
