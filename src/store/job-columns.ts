/**
 * The one list of the FingerprintJob and DuplicateSearch tables' columns: the rows as the
 * query layer returns them, the select lists, the row → domain codecs, the inserts, and the
 * JSON columns they carry (matches, primaryKeys, libraryIds). Every statement of the job store
 * (job-store.ts, job-pages.ts, duplicate-searches.ts) uses these, so a column added to the
 * table (prisma/models.prisma) is added here once; test/store/job-writes.test.ts checks the
 * list against the table itself.
 *
 * As for libraries (library-columns.ts), the enumerated columns are plain text in both
 * databases, so a value outside the domain's union is caught here, on read; so is JSON that
 * is not the shape the store wrote.
 */
import { randomUUID } from "node:crypto";
import {
  JOB_KINDS,
  JOB_MODES,
  JOB_STATUSES,
  SUBMIT_STATES,
  type DuplicateSearch,
  type FingerprintJob,
  type FingerprintMatch,
  type JobKind,
  type JobMode,
  type JobStatus,
  type MatchSegment,
  type SubmitState,
} from "../domain/job.js";
import { FINGERPRINT_BACKENDS, FINGERPRINT_MODELS, shardOf, type FingerprintBackend, type FingerprintModel } from "../domain/model.js";
import type { NewDuplicateSearch, NewJob, WatchedJob } from "./job-ports.js";
import { sql, type Statement } from "./sql/database.js";
import { readDate, readEnum, readInteger, readOptionalDate } from "./sql/values.js";

// ---------------------------------------------------------------------------------------------
// FingerprintJob

/** Every column of "FingerprintJob" as the store writes it (prisma/models.prisma). */
export interface NewJobRow {
  id: string;
  shard: number;
  tenantId: string;
  libraryId: string;
  account: string;
  backend: string;
  region: string;
  model: string;
  kind: string;
  mode: string | null;
  primaryKey: string;
  /** JSON array of strings (DELETE_FILES), else null. */
  primaryKeys: string | null;
  media: string | null;
  similarityThreshold: number;
  userData: string | null;
  searchId: string | null;
  idempotencyKey: string | null;
  inputHash: string;
  submitState: string;
  backendJobId: string | null;
  status: string;
  rawStatus: string;
  errorCode: string | null;
  errorMessage: string | null;
  /** JSON array of FingerprintMatch (matchesJson), else null. */
  matches: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  nextCheckAt: Date | null;
  checkCount: number;
}

/**
 * The table's columns, in the order the insert lists them. A Record first, so a column added
 * to NewJobRow and not here (or the other way round) is a compile error.
 */
const TABLE_COLUMNS: Record<keyof NewJobRow, true> = {
  id: true,
  shard: true,
  tenantId: true,
  libraryId: true,
  account: true,
  backend: true,
  region: true,
  model: true,
  kind: true,
  mode: true,
  primaryKey: true,
  primaryKeys: true,
  media: true,
  similarityThreshold: true,
  userData: true,
  searchId: true,
  idempotencyKey: true,
  inputHash: true,
  submitState: true,
  backendJobId: true,
  status: true,
  rawStatus: true,
  errorCode: true,
  errorMessage: true,
  matches: true,
  createdAt: true,
  updatedAt: true,
  finishedAt: true,
  nextCheckAt: true,
  checkCount: true,
};

export const JOB_TABLE_COLUMNS = Object.keys(TABLE_COLUMNS) as ReadonlyArray<keyof NewJobRow>;

/** The columns that are not part of a FingerprintJob: the watcher's schedule and its shard. */
type ScheduleColumn = "shard" | "nextCheckAt" | "checkCount";
const SCHEDULE_COLUMNS: ReadonlySet<string> = new Set<ScheduleColumn>(["shard", "nextCheckAt", "checkCount"]);

/** A job's columns as a SELECT (or RETURNING) gives them: dates are text on SQLite, Dates on PostgreSQL. */
export type JobRow = Omit<NewJobRow, ScheduleColumn | "createdAt" | "updatedAt" | "finishedAt"> & {
  createdAt: unknown;
  updatedAt: unknown;
  finishedAt: unknown;
};

/** A job's columns, in select order. */
export const JOB_COLUMNS = JOB_TABLE_COLUMNS.filter((column) => !SCHEDULE_COLUMNS.has(column)) as ReadonlyArray<keyof JobRow>;

/** The select list of a job: `"column"`, or `"alias"."column" AS "column"` in a join. */
export function jobSelect(alias?: string): string {
  return JOB_COLUMNS.map((name) => (alias ? `"${alias}"."${name}" AS "${name}"` : `"${name}"`)).join(", ");
}

/** A job's row with the watcher's schedule (dueForCheck). */
export type WatchedJobRow = JobRow & { nextCheckAt: unknown; checkCount: unknown };

export function toFingerprintJob(row: JobRow): FingerprintJob {
  const column = (name: string) => `FingerprintJob.${name}`;
  const where = (name: string) => `${column(name)} of row ${row.id}`;
  return {
    id: row.id,
    tenantId: row.tenantId,
    libraryId: row.libraryId,
    account: row.account,
    backend: readEnum<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, column("backend"), row.id),
    region: row.region,
    model: readEnum<FingerprintModel>(FINGERPRINT_MODELS, row.model, column("model"), row.id),
    kind: readEnum<JobKind>(JOB_KINDS, row.kind, column("kind"), row.id),
    mode: row.mode === null ? null : readEnum<JobMode>(JOB_MODES, row.mode, column("mode"), row.id),
    primaryKey: row.primaryKey,
    primaryKeys: row.primaryKeys === null ? [] : parseStringArray(row.primaryKeys, column("primaryKeys"), row.id),
    media: row.media,
    similarityThreshold: row.similarityThreshold,
    userData: row.userData,
    searchId: row.searchId,
    idempotencyKey: row.idempotencyKey,
    inputHash: row.inputHash,
    submitState: readEnum<SubmitState>(SUBMIT_STATES, row.submitState, column("submitState"), row.id),
    backendJobId: row.backendJobId,
    status: readEnum<JobStatus>(JOB_STATUSES, row.status, column("status"), row.id),
    rawStatus: row.rawStatus,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    matches: row.matches === null ? [] : parseMatches(row.matches, row.id),
    createdAt: readDate(row.createdAt, where("createdAt")),
    updatedAt: readDate(row.updatedAt, where("updatedAt")),
    finishedAt: readOptionalDate(row.finishedAt, where("finishedAt")),
  };
}

export function toWatchedJob(row: WatchedJobRow): WatchedJob {
  return {
    ...toFingerprintJob(row),
    checkCount: readInteger(row.checkCount),
    nextCheckAt: readOptionalDate(row.nextCheckAt, `FingerprintJob.nextCheckAt of row ${row.id}`),
  };
}

/** A claim's row: PENDING (QUEUED, no backend job yet), a fresh id unless given, its shard, createdAt = updatedAt = now. */
export function newJobRow(job: NewJob, now: Date): NewJobRow {
  const id = job.id ?? randomUUID();
  return {
    id,
    shard: shardOf(id),
    tenantId: job.tenantId,
    libraryId: job.library.id,
    account: job.library.account,
    backend: job.library.backend,
    region: job.library.region,
    model: job.library.model,
    kind: job.kind,
    mode: job.mode,
    primaryKey: job.primaryKey,
    primaryKeys: job.primaryKeys && job.primaryKeys.length > 0 ? JSON.stringify(job.primaryKeys) : null,
    media: job.media,
    similarityThreshold: job.similarityThreshold,
    userData: job.userData,
    searchId: job.searchId,
    idempotencyKey: job.idempotencyKey,
    inputHash: job.inputHash,
    submitState: "PENDING",
    backendJobId: null,
    status: "QUEUED",
    rawStatus: "",
    errorCode: null,
    errorMessage: null,
    matches: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
    nextCheckAt: null,
    checkCount: 0,
  };
}

/** INSERT of a job row, every column as given. A taken (tenantId, idempotencyKey) or id is a unique violation. */
export const INSERT_JOB: Statement = sql(
  `INSERT INTO "FingerprintJob" (${JOB_TABLE_COLUMNS.map((c) => `"${c}"`).join(", ")}) ` +
    `VALUES (${JOB_TABLE_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`,
);

export function insertJobParams(row: NewJobRow): unknown[] {
  return JOB_TABLE_COLUMNS.map((column) => row[column]);
}

/** The matches column: the ranked list as JSON. Keys are listed, so nothing else is stored. */
export function matchesJson(matches: readonly FingerprintMatch[]): string {
  return JSON.stringify(
    matches.map((match) => ({
      primaryKey: match.primaryKey,
      similarity: match.similarity,
      segments: match.segments.map((s) => ({ inputStart: s.inputStart, inputEnd: s.inputEnd, matchStart: s.matchStart, matchEnd: s.matchEnd })),
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// DuplicateSearch

/** Every column of "DuplicateSearch" as the store writes it. */
export interface NewDuplicateSearchRow {
  id: string;
  tenantId: string;
  idempotencyKey: string | null;
  inputHash: string;
  media: string;
  /** JSON array of library ids, in the caller's order. */
  libraryIds: string;
  createdAt: Date;
}

const DUPLICATE_SEARCH_TABLE_COLUMNS: Record<keyof NewDuplicateSearchRow, true> = {
  id: true,
  tenantId: true,
  idempotencyKey: true,
  inputHash: true,
  media: true,
  libraryIds: true,
  createdAt: true,
};

export const DUPLICATE_SEARCH_COLUMNS = Object.keys(DUPLICATE_SEARCH_TABLE_COLUMNS) as ReadonlyArray<keyof NewDuplicateSearchRow>;

/** A search's row as a SELECT gives it (createdAt is text on SQLite). */
export type DuplicateSearchRow = Omit<NewDuplicateSearchRow, "createdAt"> & { createdAt: unknown };

export const DUPLICATE_SEARCH_SELECT = DUPLICATE_SEARCH_COLUMNS.map((c) => `"${c}"`).join(", ");

export function newDuplicateSearchRow(search: NewDuplicateSearch, now: Date): NewDuplicateSearchRow {
  return {
    id: randomUUID(),
    tenantId: search.tenantId,
    idempotencyKey: search.idempotencyKey,
    inputHash: search.inputHash,
    media: search.media,
    libraryIds: JSON.stringify(search.libraryIds),
    createdAt: now,
  };
}

export const INSERT_DUPLICATE_SEARCH: Statement = sql(
  `INSERT INTO "DuplicateSearch" (${DUPLICATE_SEARCH_SELECT}) VALUES (${DUPLICATE_SEARCH_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")})`,
);

export function insertDuplicateSearchParams(row: NewDuplicateSearchRow): unknown[] {
  return DUPLICATE_SEARCH_COLUMNS.map((column) => row[column]);
}

export function toDuplicateSearch(row: DuplicateSearchRow): DuplicateSearch {
  return {
    id: row.id,
    tenantId: row.tenantId,
    idempotencyKey: row.idempotencyKey,
    inputHash: row.inputHash,
    media: row.media,
    libraryIds: parseStringArray(row.libraryIds, "DuplicateSearch.libraryIds", row.id),
    createdAt: readDate(row.createdAt, `DuplicateSearch.createdAt of row ${row.id}`),
  };
}

// ---------------------------------------------------------------------------------------------
// JSON columns

function parseJson(json: string, column: string, id: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new Error(`Stored ${column} of row ${id} is not JSON.`, { cause: error });
  }
}

function parseStringArray(json: string, column: string, id: string): string[] {
  const value = parseJson(json, column, id);
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new Error(`Stored ${column} of row ${id} is not a JSON array of strings.`);
  }
  return value;
}

function parseMatches(json: string, id: string): FingerprintMatch[] {
  const column = "FingerprintJob.matches";
  const value = parseJson(json, column, id);
  const bad = (why: string) => new Error(`Stored ${column} of row ${id}: ${why}.`);
  if (!Array.isArray(value)) throw bad("not a JSON array");
  const isNumber = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);
  return value.map((item: unknown, i): FingerprintMatch => {
    const match = item as Record<string, unknown> | null;
    if (typeof match !== "object" || match === null) throw bad(`item ${i} is not an object`);
    if (typeof match.primaryKey !== "string") throw bad(`item ${i} has no primaryKey`);
    if (!isNumber(match.similarity)) throw bad(`item ${i} has no numeric similarity`);
    if (!Array.isArray(match.segments)) throw bad(`item ${i} has no segments array`);
    const segments = match.segments.map((segment: unknown, j): MatchSegment => {
      const s = segment as Record<string, unknown> | null;
      if (
        typeof s !== "object" ||
        s === null ||
        !isNumber(s.inputStart) ||
        !isNumber(s.inputEnd) ||
        !isNumber(s.matchStart) ||
        !isNumber(s.matchEnd)
      ) {
        throw bad(`item ${i} segment ${j} is not four numbers`);
      }
      return { inputStart: s.inputStart, inputEnd: s.inputEnd, matchStart: s.matchStart, matchEnd: s.matchEnd };
    });
    return { primaryKey: match.primaryKey, similarity: match.similarity, segments };
  });
}
