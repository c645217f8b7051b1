/**
 * Transitional, for files being moved onto the query layer in parallel
 * (create-intent-repository.ts, job-repository.ts, duplicate-search-repository.ts import
 * these names from here). The registry is library-registry.ts, the clock type clock.ts.
 * Delete this file once nothing imports it.
 */
export type { Clock } from "./clock.js";
export type { LibraryRegistry as PrismaLibraryRepository } from "./library-registry.js";
