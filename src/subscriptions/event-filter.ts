/**
 * Which events one subscription receives: the tenant's own, of the filter's kind, matching
 * every field the filter sets. The same rules as the event log's query (listAfter), so a
 * live event and a replayed one are chosen alike; a library subscription never sees a job's
 * event and a job subscription never sees a library's.
 */
import type { JobEvent } from "../store/job-ports.js";
import type { EventFilter, GatewayEvent, JobEventFilter, LibraryEvent, LibraryEventFilter } from "../store/ports.js";

export function matchesFilter(event: GatewayEvent, tenantId: string, filter: EventFilter): boolean {
  if (event.tenantId !== tenantId || event.kind !== (filter.kind ?? "LIBRARY")) return false;
  return event.kind === "JOB" ? matchesJob(event, filter as JobEventFilter) : matchesLibrary(event, filter as LibraryEventFilter);
}

function matchesLibrary(event: LibraryEvent, filter: LibraryEventFilter): boolean {
  return (
    (!filter.firstActivationOnly || event.firstActivation) &&
    (!filter.backend || event.backend === filter.backend) &&
    (!filter.model || event.model === filter.model) &&
    (!filter.libraryIds || filter.libraryIds.includes(event.libraryId))
  );
}

function matchesJob(event: JobEvent, filter: JobEventFilter): boolean {
  return (
    (!filter.statuses || filter.statuses.includes(event.status)) &&
    (!filter.jobKinds || filter.jobKinds.includes(event.job.kind)) &&
    (!filter.libraryIds || filter.libraryIds.includes(event.libraryId)) &&
    (!filter.jobIds || filter.jobIds.includes(event.jobId)) &&
    (!filter.searchIds || (event.searchId !== null && filter.searchIds.includes(event.searchId)))
  );
}
