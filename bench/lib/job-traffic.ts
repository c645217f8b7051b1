/**
 * Fingerprint jobs in the fault run and the soak: small text media put into the emulator's
 * OSS (analysis is near instant), one ACTIVE TEXT library per backend made through the
 * gateway, a ledger of what each client believes its submits made, and the audit that holds
 * the ledger against the gateway's job rows and the emulator's own job list.
 *
 * Every logical submit has its own primaryKey, so an emulator job names the submit it came
 * from: two backend jobs with one primaryKey are a duplicate, a backend job no SUBMITTED row
 * names is an orphan (allowed only for a submit the gateway answered SUBMIT_OUTCOME_UNKNOWN,
 * whose row stays PENDING so that its key never makes a second job).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_DEV_ACCOUNT, type RunningEmulator } from "../../src/emulator/index.js";
import { FINISHED_JOB_STATUSES, type FingerprintJob, type JobStatus } from "../../src/domain/job.js";
import type { OpenedStore } from "../../src/store/index.js";
import type { JobCursor } from "../../src/store/job-ports.js";
import { ROOT, graphql } from "./gateway-child.js";
import type { Random } from "./seeded-random.js";

export const JOB_BUCKET = "bench-job-media";
const LOCATION = "oss-cn-shanghai";
const WORDS = "lighthouse keeper counted ships passed night writing names ledger nobody read harvest grain coast region revenue north quarter shipment weather river bridge market lantern orchard copper window garden".split(" ");

export const SUBMIT_JOB = `mutation Submit($input: SubmitFingerprintJobInput!) { submitFingerprintJob(input: $input) { replayed job { id backendJobId status primaryKey } } }`;
const CREATE = `mutation Create($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backendLibraryId status } } }`;
const REFRESH = `mutation Refresh($id: ID!) { refreshFingerprintLibrary(id: $id) { id status } }`;

export type JobBackend = "ICE" | "MPS";
export interface TextLibrary {
  id: string;
  backend: JobBackend;
  backendLibraryId: string;
}

/** `count` distinct text documents of ~400 characters in the emulator's OSS; returns their object keys. */
export async function putTextMedia(emulator: RunningEmulator, rng: Random, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const text = Array.from({ length: 70 }, () => rng.pick(WORDS)).join(" ");
    const key = `texts/doc-${i}.txt`;
    await emulator.oss.write(DEFAULT_DEV_ACCOUNT.accessKeyId, LOCATION, JOB_BUCKET, key, Buffer.from(text), "text/plain");
    keys.push(key);
  }
  return keys;
}

/** One ACTIVE TEXT library per backend, created through the gateway and activated on the emulator at once. */
export async function activeTextLibraries(emulator: RunningEmulator, graphqlUrl: string, label: string): Promise<TextLibrary[]> {
  const libraries: TextLibrary[] = [];
  for (const backend of ["ICE", "MPS"] as const) {
    const created = await graphql(graphqlUrl, CREATE, { input: { name: `${label}-texts-${backend.toLowerCase()}`, model: "TEXT", backend, idempotencyKey: `${label}-texts-${backend}` } });
    const library = created.createFingerprintLibrary.library as { id: string; backendLibraryId: string };
    emulator.control.activate(library.backendLibraryId);
    const refreshed = await graphql(graphqlUrl, REFRESH, { id: library.id });
    if (refreshed.refreshFingerprintLibrary.status !== "ACTIVE") throw new Error(`the ${backend} text library did not turn ACTIVE`);
    libraries.push({ id: library.id, backend, backendLibraryId: library.backendLibraryId });
  }
  return libraries;
}

/** What a client believes about one logical submit (one idempotency key, one primaryKey). */
export interface LoggedSubmit {
  key: string;
  primaryKey: string;
  library: TextLibrary;
  mode: "SAVE" | "SEARCH";
  tries: number;
  /** submitted: the gateway answered a job; unknown: it said SUBMIT_OUTCOME_UNKNOWN until the client stopped asking. */
  outcome: "submitted" | "unknown" | "gave-up" | "refused";
  jobId?: string;
  backendJobId?: string;
  lastError?: string;
}

/** A submit input for the ledger's next logical submit. */
export function nextSubmit(rng: Random, libraries: TextLibrary[], media: string[], key: string): { logged: LoggedSubmit; input: Record<string, unknown> } {
  const library = rng.pick(libraries);
  const mode = rng.next() < 0.6 ? "SAVE" : "SEARCH";
  const primaryKey = `pk-${key}`;
  return {
    logged: { key, primaryKey, library, mode, tries: 0, outcome: "gave-up" },
    input: { libraryId: library.id, media: { oss: { bucket: JOB_BUCKET, object: rng.pick(media) } }, mode, primaryKey, idempotencyKey: key },
  };
}

/** Every job row of the tenants (SUBMITTED through the API's list, PENDING through the recovery's). */
export async function jobRows(store: OpenedStore, tenantIds: Iterable<string>): Promise<{ submitted: FingerprintJob[]; pending: FingerprintJob[] }> {
  const submitted: FingerprintJob[] = [];
  for (const tenantId of new Set(tenantIds)) {
    let after: JobCursor | undefined;
    for (;;) {
      const page = await store.jobs.list(tenantId, {}, 500, after);
      submitted.push(...page.items);
      if (!page.hasNextPage || page.items.length === 0) break;
      const last = page.items[page.items.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
    }
  }
  const pending = (await store.jobs.listPending(new Date(Date.now() + 60_000))).filter((row) => row.kind === "FINGERPRINT");
  return { submitted: submitted.filter((row) => row.kind === "FINGERPRINT"), pending };
}

/** Waits until every SUBMITTED job row has a finished status (or the time is up). */
export async function waitForFinishedJobs(store: OpenedStore, tenantIds: string[], timeoutMs: number): Promise<FingerprintJob[]> {
  const deadline = Date.now() + timeoutMs;
  let rows = (await jobRows(store, tenantIds)).submitted;
  while (Date.now() < deadline && rows.some((row) => !isFinished(row.status))) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    rows = (await jobRows(store, tenantIds)).submitted;
  }
  return rows;
}

const isFinished = (status: JobStatus) => FINISHED_JOB_STATUSES.includes(status);

export interface JobAudit {
  /** Submits the clients believe made a job. */
  believed: number;
  /** Believed submits whose job is missing from the gateway or the emulator, or answered two different jobs. */
  lost: string[];
  /** Logical submits (primaryKeys) with more than one backend job, or more than one SUBMITTED row. */
  duplicated: string[];
  /** Backend jobs no SUBMITTED row names, explained by a submit answered SUBMIT_OUTCOME_UNKNOWN (row PENDING). */
  orphansUnknown: number;
  /** Backend jobs no SUBMITTED row names and no unknown-outcome submit explains. */
  orphansUnexplained: string[];
  /** Submits the clients were told SUBMIT_OUTCOME_UNKNOWN about (and stopped asking). */
  unknownOutcomes: number;
  /** Unknown outcomes per backend. */
  unknownByBackend: Record<string, number>;
  /** SUBMITTED rows not finished. */
  unfinished: number;
  statuses: Record<string, number>;
  backendJobs: number;
  submittedRows: number;
  pendingRows: number;
  ok: boolean;
}

/** Holds the ledger against the gateway's rows and the emulator's fingerprint jobs on the audited libraries. */
export async function auditJobs(store: OpenedStore, emulator: RunningEmulator, ledger: LoggedSubmit[], libraries: TextLibrary[], tenantIds: string[]): Promise<JobAudit> {
  const { submitted, pending } = await jobRows(store, tenantIds);
  const libraryIds = new Set(libraries.map((l) => l.backendLibraryId));
  const backendJobs = emulator.control.state().content.jobs.filter((job) => job.type === "fingerprint" && libraryIds.has(job.libraryId));
  const backendById = new Map(backendJobs.map((job) => [job.id, job]));
  const backendByKey = new Map<string, number>();
  for (const job of backendJobs) backendByKey.set(job.primaryKey ?? "", (backendByKey.get(job.primaryKey ?? "") ?? 0) + 1);
  const rowsByKey = new Map<string, FingerprintJob[]>();
  for (const row of submitted) rowsByKey.set(row.primaryKey, [...(rowsByKey.get(row.primaryKey) ?? []), row]);
  const rowByBackendId = new Map(submitted.map((row) => [row.backendJobId, row]));

  const believed = ledger.filter((s) => s.outcome === "submitted");
  const lost = believed
    .filter((s) => {
      const rows = rowsByKey.get(s.primaryKey) ?? [];
      return rows.length !== 1 || rows[0].backendJobId !== s.backendJobId || !backendById.has(s.backendJobId ?? "");
    })
    .map((s) => s.key);
  const duplicated = [...new Set([...backendByKey].filter(([, n]) => n > 1).map(([key]) => key).concat([...rowsByKey].filter(([, rows]) => rows.length > 1).map(([key]) => key)))];

  const unknown = ledger.filter((s) => s.outcome === "unknown");
  const pendingKeys = new Set(pending.map((row) => row.primaryKey));
  const unknownKeys = new Set(unknown.map((s) => s.primaryKey));
  let orphansUnknown = 0;
  const orphansUnexplained: string[] = [];
  for (const job of backendJobs) {
    if (rowByBackendId.has(job.id)) continue;
    // An unknown outcome leaves its row PENDING: the key holds, and the backend job it may have made is the one orphan it can cost.
    if (unknownKeys.has(job.primaryKey ?? "") && pendingKeys.has(job.primaryKey ?? "")) orphansUnknown += 1;
    else orphansUnexplained.push(`${job.service}:${job.id} (${job.primaryKey})`);
  }
  const statuses: Record<string, number> = {};
  for (const row of submitted) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
  const unfinished = submitted.filter((row) => !isFinished(row.status)).length;
  const unknownByBackend: Record<string, number> = {};
  for (const s of unknown) unknownByBackend[s.library.backend] = (unknownByBackend[s.library.backend] ?? 0) + 1;
  return {
    believed: believed.length,
    lost,
    duplicated,
    orphansUnknown,
    orphansUnexplained,
    unknownOutcomes: unknown.length,
    unknownByBackend,
    unfinished,
    statuses,
    backendJobs: backendJobs.length,
    submittedRows: submitted.length,
    pendingRows: pending.length,
    ok: lost.length === 0 && duplicated.length === 0 && orphansUnexplained.length === 0 && unfinished === 0,
  };
}

export function describeAudit(audit: JobAudit): string {
  const unknown = Object.entries(audit.unknownByBackend).map(([backend, n]) => `${backend} ${n}`).join(", ") || "none";
  return (
    `${audit.believed} submits answered a job; gateway ${audit.submittedRows} SUBMITTED + ${audit.pendingRows} PENDING rows, emulator ${audit.backendJobs} jobs; ` +
    `${audit.lost.length} lost, ${audit.duplicated.length} duplicated, ${audit.orphansUnexplained.length} orphaned backend jobs` +
    ` (+${audit.orphansUnknown} behind ${audit.unknownOutcomes} SUBMIT_OUTCOME_UNKNOWN answers: ${unknown})` +
    (audit.lost.length ? `; first lost ${audit.lost[0]}` : "") +
    (audit.duplicated.length ? `; first duplicated ${audit.duplicated[0]}` : "") +
    (audit.orphansUnexplained.length ? `; first orphan ${audit.orphansUnexplained[0]}` : "")
  );
}

/** Whether the built gateway serves fingerprintJobFinished (the job-events work): its committed schema says. */
export function servesJobFinished(): boolean {
  return readFileSync(join(ROOT, "schema/schema.graphql"), "utf8").includes("fingerprintJobFinished(");
}

export const JOB_FINISHED_SUBSCRIPTION = "subscription { fingerprintJobFinished { eventId status job { id backendJobId status } } }";
