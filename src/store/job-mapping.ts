/**
 * Job and duplicate-search rows to domain objects, and the JSON columns they carry (matches,
 * primaryKeys, libraryIds); Prisma's rows and hand-written SQL's (fromJobSqlRow) alike. As in mapping.ts, the enumerated columns are plain text, so a
 * value outside the domain's union is caught here, on read; so is JSON that is not the shape
 * the store wrote.
 */
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
import { FINGERPRINT_BACKENDS, FINGERPRINT_MODELS, type FingerprintBackend, type FingerprintModel } from "../domain/model.js";
import type { DuplicateSearch as DuplicateSearchRow, FingerprintJob as FingerprintJobRow } from "./generated/postgresql/client.js";
import { postgresDate, sqliteDate } from "./sql-values.js";

function oneOf<T extends string>(allowed: readonly T[], value: string, column: string, id: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`Stored ${column} "${value}" of row ${id} is not one of ${allowed.join(", ")}.`);
}

/** The columns a FingerprintJob is made of (the watcher's schedule and the shard are not part of it). */
export type JobColumns = Omit<FingerprintJobRow, "nextCheckAt" | "checkCount" | "shard">;

/** JobColumns by name, in the order the hand-written SELECTs and RETURNINGs list them (job-reads.ts, job-writes-*.ts). */
export const JOB_COLUMNS = [
  "id",
  "tenantId",
  "libraryId",
  "account",
  "backend",
  "region",
  "model",
  "kind",
  "mode",
  "primaryKey",
  "primaryKeys",
  "media",
  "similarityThreshold",
  "userData",
  "searchId",
  "idempotencyKey",
  "inputHash",
  "submitState",
  "backendJobId",
  "status",
  "rawStatus",
  "errorCode",
  "errorMessage",
  "matches",
  "createdAt",
  "updatedAt",
  "finishedAt",
] as const satisfies ReadonlyArray<keyof JobColumns>;

export const JOB_DATE_COLUMNS: ReadonlySet<string> = new Set(["createdAt", "updatedAt", "finishedAt"]);

/** JobColumns as hand-written SQL returns them: the dates in the dialect's form (sql-values.ts). */
export type JobSqlRow = Omit<JobColumns, "createdAt" | "updatedAt" | "finishedAt"> & {
  createdAt: unknown;
  updatedAt: unknown;
  finishedAt: unknown;
};

/** A job from hand-written SQL's row, on SQLite or PostgreSQL. */
export function fromJobSqlRow(row: JobSqlRow, dialect: "sqlite" | "postgresql"): FingerprintJob {
  const read = dialect === "sqlite" ? sqliteDate : postgresDate;
  const date = (value: unknown, column: string) => read(value, `FingerprintJob.${column} of row ${row.id}`);
  return toFingerprintJob({
    ...row,
    createdAt: date(row.createdAt, "createdAt"),
    updatedAt: date(row.updatedAt, "updatedAt"),
    finishedAt: row.finishedAt === null ? null : date(row.finishedAt, "finishedAt"),
  });
}

export function toFingerprintJob(row: JobColumns): FingerprintJob {
  const where = (column: string) => `FingerprintJob.${column}`;
  return {
    id: row.id,
    tenantId: row.tenantId,
    libraryId: row.libraryId,
    account: row.account,
    backend: oneOf<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, where("backend"), row.id),
    region: row.region,
    model: oneOf<FingerprintModel>(FINGERPRINT_MODELS, row.model, where("model"), row.id),
    kind: oneOf<JobKind>(JOB_KINDS, row.kind, where("kind"), row.id),
    mode: row.mode === null ? null : oneOf<JobMode>(JOB_MODES, row.mode, where("mode"), row.id),
    primaryKey: row.primaryKey,
    primaryKeys: row.primaryKeys === null ? [] : parseStringArray(row.primaryKeys, where("primaryKeys"), row.id),
    media: row.media,
    similarityThreshold: row.similarityThreshold,
    userData: row.userData,
    searchId: row.searchId,
    idempotencyKey: row.idempotencyKey,
    inputHash: row.inputHash,
    submitState: oneOf<SubmitState>(SUBMIT_STATES, row.submitState, where("submitState"), row.id),
    backendJobId: row.backendJobId,
    status: oneOf<JobStatus>(JOB_STATUSES, row.status, where("status"), row.id),
    rawStatus: row.rawStatus,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    matches: row.matches === null ? [] : parseMatches(row.matches, row.id),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finishedAt: row.finishedAt,
  };
}

export function toDuplicateSearch(row: DuplicateSearchRow): DuplicateSearch {
  return {
    id: row.id,
    tenantId: row.tenantId,
    idempotencyKey: row.idempotencyKey,
    inputHash: row.inputHash,
    media: row.media,
    libraryIds: parseStringArray(row.libraryIds, "DuplicateSearch.libraryIds", row.id),
    createdAt: row.createdAt,
  };
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
