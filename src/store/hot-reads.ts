/**
 * Transitional: the library reads moved to library-pages.ts (on the query layer). client.ts,
 * job-reads.ts and job-repository.ts still hand the driver around under this name; delete
 * this file once they no longer do.
 */
import type { Database } from "better-sqlite3";
import type { Pool } from "pg";

/** The driver underneath Prisma, for the job reads' prepared statements. */
export type DirectDriver =
  | { kind: "sqlite"; reader: () => Database }
  | { kind: "postgresql"; pool: Pool };
