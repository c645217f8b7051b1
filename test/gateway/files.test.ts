/**
 * FingerprintLibrary.files, deleteFingerprintFiles (and the FileDeletions it answers on MPS)
 * and cancelFingerprintJob through GraphQL,
 * against the emulator's real content operations: files are stored by real SAVE jobs
 * (Backend.content.submitJob, finished with the emulator's control route), and every
 * backend call is counted from the emulator's own request log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import { WATCHER_SHARD_COUNT } from "../../src/domain/model.js";
import type { FingerprintBackend } from "../../src/domain/model.js";
import { encodeFileCursor } from "../../src/services/file-cursor.js";
import { putMedia, testEngine } from "../emulator/content-helpers.js";
import { announcePostgresqlCoverage, databaseKinds, type TestDatabase } from "../support/databases.js";
import { codes, startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";
import { CANCEL, CREATE, DELETE_FILES, FILE_DELETION, FILES, REFRESH, type ListLibraryFilesQuery } from "../support/documents.js";
import { SubmitJobDocument as SUBMIT } from "../../src/client/generated/operations.js";

announcePostgresqlCoverage("library files");

const KEY_A = "tenant-a-files-key-0123456789abcdef";
const KEY_B = "tenant-b-files-key-fedcba9876543210";
const BUCKET = "media-files";
const ALL_SHARDS = Array.from({ length: WATCHER_SHARD_COUNT }, (_, shard) => shard);
const TEXTS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"].map(
  (word, i) => `${word}: ${"The night ferry crossed the strait while the harbour lights went out one by one. ".repeat(2 + i)}`,
);

describe.each(databaseKinds)("library files on $name", (kind) => {
  let h: Harness;
  let database: TestDatabase;
  /** The emulator's request log: one line per call, e.g. "POST DeleteDNAFiles LTAI... -> 200 ...". */
  const calls: string[] = [];
  const callCount = (action: string) => calls.filter((line) => line.includes(` ${action} `)).length;
  let onCall: ((line: string) => void) | null = null;

  async function as<R, V>(key: string, document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResponse<R>> {
    const query = print(document);
    const response = await h.post(JSON.stringify({ query, variables }), { authorization: `Bearer ${key}` });
    return (await response.json()) as GraphQLResponse<R>;
  }

  /** A document no generated operation covers (node(id) with inline fragments). */
  async function asText<T = Record<string, any>>(key: string, query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const response = await h.post(JSON.stringify({ query, variables }), { authorization: `Bearer ${key}` });
    return (await response.json()) as GraphQLResponse<T>;
  }
  const NODE = `query($id: ID!) { node(id: $id) { __typename id ... on FileDeletion { status primaryKeys } } }`;

  /**
   * One round of the gateway's own job watcher, each a minute (its longest wait between two
   * reads of a job) later than the last, so every unfinished job is due however an earlier
   * round scheduled it.
   */
  let roundsRun = 0;
  async function watcherRound() {
    roundsRun += 1;
    return h.gateway.jobWatcher!.runRound(new Date(Date.now() + roundsRun * 61_000));
  }

  async function activeLibrary(key: string, backend: FingerprintBackend, name: string) {
    const created = await as(key, CREATE, { input: { name, model: "TEXT", backend } });
    expect(created.errors).toBeUndefined();
    const library = created.data!.createFingerprintLibrary.library;
    h.emulator.control.activate(library.backendLibraryId);
    const refreshed = await as(key, REFRESH, { id: library.id });
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data!.refreshFingerprintLibrary.status).toBe("ACTIVE");
    return library;
  }

  /** Stores TEXTS[i] under `${prefix}-${i}` with real SAVE jobs, finished through the control route. */
  async function storeFiles(library: { backend: FingerprintBackend; backendLibraryId: string; region: string }, prefix: string, count: number) {
    const content = h.gateway.services.backends[library.backend].content;
    const keys: string[] = [];
    for (let i = 0; i < count; i++) {
      const object = `texts/${prefix}-${i}.txt`;
      await putMedia(h.emulator, BUCKET, object, TEXTS[i % TEXTS.length]!, { account: DEFAULT_DEV_ACCOUNT });
      const { backendJobId } = await content.submitJob(library.region, {
        backendLibraryId: library.backendLibraryId,
        model: "TEXT",
        media: { kind: "oss", bucket: BUCKET, object, location: `oss-${library.region}` },
        saveType: "onlysave",
        primaryKey: `${prefix}-${i}`,
        similarityThreshold: null,
        userData: null,
      });
      const finished = await fetch(`${h.emulator.url}/_emulator/content-jobs/${backendJobId}/finish`, { method: "POST" });
      // 409: the job had already run to its end on its own (no queue delay here).
      expect([200, 409]).toContain(finished.status);
      keys.push(`${prefix}-${i}`);
    }
    return keys;
  }

  async function listAll(key: string, id: string, first: number) {
    const keys: string[] = [];
    const pages: Array<{ keys: string[]; hasNextPage: boolean; hasPreviousPage: boolean }> = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i++) {
      const response: GraphQLResponse<ListLibraryFilesQuery> = await as(key, FILES, { id, first, after });
      expect(response.errors).toBeUndefined();
      const files = response.data!.fingerprintLibrary!.files;
      const pageKeys = files.nodes.map((file) => file.primaryKey);
      expect(files.edges.map((edge) => edge.node.primaryKey)).toEqual(pageKeys);
      expect(files.pageInfo.endCursor).toBe(files.edges.at(-1)?.cursor ?? null);
      pages.push({ keys: pageKeys, hasNextPage: files.pageInfo.hasNextPage, hasPreviousPage: files.pageInfo.hasPreviousPage });
      keys.push(...pageKeys);
      if (!files.pageInfo.hasNextPage) break;
      after = files.pageInfo.endCursor;
    }
    return { keys, pages };
  }

  beforeAll(async () => {
    database = await kind.fresh();
    h = await startHarness({
      databaseUrl: database.url,
      emulator: {
        activationDelayMs: 3_600_000,
        libraryQuota: 100,
        // MPS file-delete jobs stay queued: the test reads them while the gateway tracks them.
        deleteJobDelayMs: 3_600_000,
        jobQueueDelayMs: 0,
        jobSecondsPerMediaSecond: 0,
        fingerprintEngine: testEngine,
        log: (line) => {
          calls.push(line);
          onCall?.(line);
        },
      },
      env: { API_KEYS: `tenant-a:${KEY_A},tenant-b:${KEY_B}` },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  describe.each(["ICE", "MPS"] as const)("files on %s", (backend) => {
    let library: Awaited<ReturnType<typeof activeLibrary>>;
    let stored: string[];

    beforeAll(async () => {
      library = await activeLibrary(KEY_A, backend, `files-${backend}`);
      stored = await storeFiles(library, `${backend.toLowerCase()}-doc`, 7);
    }, 60_000);

    it("pages through every stored file with opaque cursors, whatever the page size", async () => {
      for (const first of [3, 5, 7, 100]) {
        const { keys, pages } = await listAll(KEY_A, library.id, first);
        expect(keys).toEqual(stored);
        expect(pages[0]!.hasPreviousPage).toBe(false);
        expect(pages.slice(1).every((page) => page.hasPreviousPage)).toBe(true);
        expect(pages.at(-1)!.hasNextPage).toBe(false);
      }
      const page = (await as(KEY_A, FILES, { id: library.id, first: 2 })).data!.fingerprintLibrary!.files;
      expect(page.pageInfo).toMatchObject({ hasNextPage: true, startCursor: page.edges[0]!.cursor });
      // Any edge's cursor resumes right after that edge.
      const resumed = (await as(KEY_A, FILES, { id: library.id, first: 2, after: page.edges[0]!.cursor })).data!.fingerprintLibrary!.files;
      expect(resumed.nodes.map((n) => n.primaryKey)).toEqual(stored.slice(1, 3));
      // MPS lists the store time; ICE lists none.
      for (const node of page.nodes) expect(node.storedAt === null).toBe(backend === "ICE");
    });

    it("refuses a cursor from another library or another tenant, and a bad page size, before any backend call", async () => {
      const listAction = backend === "ICE" ? "ListDNAFiles" : "ListFpShotFiles";
      const other = await activeLibrary(KEY_A, backend, `other-${backend}`);
      await storeFiles(other, `other-${backend.toLowerCase()}`, 2);
      const otherCursor = (await as(KEY_A, FILES, { id: other.id, first: 1 })).data!.fingerprintLibrary!.files.pageInfo.endCursor!;
      const mine = (await as(KEY_A, FILES, { id: library.id, first: 1 })).data!.fingerprintLibrary!.files.pageInfo.endCursor!;
      const theirs = await activeLibrary(KEY_B, backend, `theirs-${backend}`);
      const before = callCount(listAction);

      for (const [key, id, after] of [
        [KEY_A, library.id, otherCursor],
        [KEY_A, library.id, encodeFileCursor(libraryIdOf(other.id), { token: null, skip: 0 })],
        [KEY_B, theirs.id, mine],
        [KEY_A, library.id, "not-a-cursor"],
      ] as const) {
        const refused = await as(key, FILES, { id, first: 1, after });
        expect(codes(refused)).toEqual(["BAD_USER_INPUT"]);
        expect(refused.errors![0]!.extensions).toMatchObject({ field: "after" });
      }
      for (const first of [0, 101, -1]) {
        const refused = await as(KEY_A, FILES, { id: library.id, first });
        expect(codes(refused)).toEqual(["BAD_USER_INPUT"]);
        expect(refused.errors![0]!.message).toMatch(/first must be between 1 and 100/);
      }
      expect(callCount(listAction)).toBe(before);
      // Tenant B cannot reach A's library at all.
      expect((await as(KEY_B, FILES, { id: library.id, first: 1 })).data!.fingerprintLibrary).toBeNull();
    });
  });

  describe("deleteFingerprintFiles", () => {
    it("deletes on ICE in chunks of 50: 120 keys are 3 calls, answered SUCCEEDED", async () => {
      const library = await activeLibrary(KEY_A, "ICE", "delete-ice");
      const stored = await storeFiles(library, "del", 4);
      const keys = [...stored, ...Array.from({ length: 116 }, (_, i) => `absent-${i}`)];
      const before = callCount("DeleteDNAFiles");
      const response = await as(KEY_A, DELETE_FILES, { libraryId: library.id, primaryKeys: [...keys, stored[0]!] });
      expect(response.errors).toBeUndefined();
      expect(response.data!.deleteFingerprintFiles).toMatchObject({ status: "SUCCEEDED", primaryKeys: keys, library: { id: library.id } });
      // ICE deleted at once: nothing to follow.
      expect(response.data!.deleteFingerprintFiles.deletions).toEqual([]);
      expect(callCount("DeleteDNAFiles") - before).toBe(3);
      expect((await listAll(KEY_A, library.id, 100)).keys).toEqual([]);
    });

    it("validates every key before any backend call", async () => {
      const library = await activeLibrary(KEY_A, "ICE", "delete-validation");
      const before = callCount("DeleteDNAFiles");
      const cases: Array<[string[], RegExp, string]> = [
        [[], /primaryKeys is empty/, "primaryKeys"],
        [["ok-1", "has,comma"], /not a usable primary key/, "primaryKeys[1]"],
        [["ok-1", ""], /not a usable primary key/, "primaryKeys[1]"],
        [Array.from({ length: 1001 }, (_, i) => `k-${i}`), /at most 1000/, "primaryKeys"],
      ];
      for (const [primaryKeys, message, field] of cases) {
        const refused = await as(KEY_A, DELETE_FILES, { libraryId: library.id, primaryKeys });
        expect(codes(refused)).toEqual(["BAD_USER_INPUT"]);
        expect(refused.errors![0]!.message).toMatch(message);
        expect(refused.errors![0]!.extensions).toMatchObject({ field });
      }
      // 1000 distinct keys, each named twice, is within the limit.
      const doubled = Array.from({ length: 2000 }, (_, i) => `k-${i % 1000}`);
      expect((await as(KEY_A, DELETE_FILES, { libraryId: library.id, primaryKeys: doubled })).data!.deleteFingerprintFiles.primaryKeys).toHaveLength(1000);
      expect(callCount("DeleteDNAFiles") - before).toBe(20);

      const inactive = (await as(KEY_A, CREATE, { input: { name: "not-yet-active", model: "TEXT", backend: "ICE" } })).data!.createFingerprintLibrary.library;
      const notActive = await as(KEY_A, DELETE_FILES, { libraryId: inactive.id, primaryKeys: ["a"] });
      expect(codes(notActive)).toEqual(["LIBRARY_NOT_ACTIVE"]);
      // Another tenant's library reads exactly like a missing one.
      expect(codes(await as(KEY_B, DELETE_FILES, { libraryId: library.id, primaryKeys: ["a"] }))).toEqual(["NOT_FOUND"]);
      expect(codes(await as(KEY_A, DELETE_FILES, { libraryId: "bm90LWFuLWlk", primaryKeys: ["a"] }))).toEqual(["BAD_USER_INPUT"]);
      expect(callCount("DeleteDNAFiles") - before).toBe(20);
    });

    it("names the keys left when a chunk fails part-way", async () => {
      const library = await activeLibrary(KEY_A, "ICE", "delete-partial");
      const keys = Array.from({ length: 120 }, (_, i) => `p-${i}`);
      // The first chunk goes through; from then on ICE is down.
      onCall = (line) => {
        if (line.includes(" DeleteDNAFiles ")) {
          onCall = null;
          h.emulator.control.setFault("DeleteDNAFiles", { errorRate: 1, code: "ServiceUnavailable", httpStatus: 503 });
        }
      };
      try {
        const response = await as(KEY_A, DELETE_FILES, { libraryId: library.id, primaryKeys: keys });
        expect(codes(response)).toEqual(["BACKEND_UNAVAILABLE"]);
        const error = response.errors![0]!;
        expect(error.extensions).toMatchObject({ deletedCount: 50, notDeletedPrimaryKeys: keys.slice(50), retryable: true });
        expect(error.message).toMatch(/^50 of 120 keys were deleted; 70 were not \(or not surely\): p-50, p-51/);
      } finally {
        onCall = null;
        h.emulator.control.clearFault("DeleteDNAFiles");
      }
    });

    it("submits MPS delete jobs of at most 200 keys, each recorded as a DELETE_FILES job", async () => {
      const library = await activeLibrary(KEY_A, "MPS", "delete-mps");
      const stored = await storeFiles(library, "mps-del", 3);
      const keys = [...stored, ...Array.from({ length: 247 }, (_, i) => `gone-${i}`)];
      const before = callCount("SubmitFpFileDeleteJob");
      const response = await as(KEY_A, DELETE_FILES, { libraryId: library.id, primaryKeys: keys });
      expect(response.errors).toBeUndefined();
      expect(response.data!.deleteFingerprintFiles).toMatchObject({ status: "QUEUED", primaryKeys: keys });
      expect(callCount("SubmitFpFileDeleteJob") - before).toBe(2);

      const internalId = libraryIdOf(library.id);
      // What the job watcher will read: every unfinished submitted job of every shard.
      const watched = await h.gateway.services.store.jobs.dueForCheck(ALL_SHARDS, new Date(Date.now() + 86_400_000), 1000);
      const jobs = watched.filter((job) => job.libraryId === internalId).sort((a, b) => a.primaryKeys.length - b.primaryKeys.length).reverse();
      expect(jobs).toHaveLength(2);
      expect(jobs.map((job) => job.primaryKeys)).toEqual([keys.slice(0, 200), keys.slice(200)]);
      for (const job of jobs) {
        expect(job).toMatchObject({ submitState: "SUBMITTED", status: "QUEUED", backend: "MPS", mode: null, tenantId: "tenant-a" });
        // The backend job exists, and is the one the row names.
        const [state] = await h.gateway.services.backends.MPS.content.fileDeleteJobs(library.region, [job.backendJobId!]);
        expect(state?.jobId).toBe(job.backendJobId);
      }
      // They are the watcher's bookkeeping, not jobs the API lists.
      expect((await h.gateway.services.store.jobs.list("tenant-a", { libraryId: internalId }, 10)).items).toEqual([]);

      // The client follows them as the payload's deletions, one per delete job, in key order.
      const deletions = response.data!.deleteFingerprintFiles.deletions;
      expect(deletions.map((deletion) => deletion.primaryKeys)).toEqual([keys.slice(0, 200), keys.slice(200)]);
      expect(deletions.map((deletion) => internalIdOf(deletion.id)).sort()).toEqual(jobs.map((job) => job.id).sort());
      for (const deletion of deletions) {
        expect(deletion).toMatchObject({ status: "QUEUED", rawStatus: "", errorCode: null, finishedAt: null, library: { id: library.id } });
        expect((await as(KEY_A, FILE_DELETION, { id: deletion.id })).data!.fileDeletion).toEqual(deletion);
      }
      // Neither the job API's lists nor its by-id reads show them as jobs.
      const listed = await asText(KEY_A, `query($id: ID!) { fingerprintLibrary(id: $id) { jobs { totalCount nodes { id } } } }`, { id: library.id });
      expect(listed.data!.fingerprintLibrary.jobs).toEqual({ totalCount: 0, nodes: [] });
      const asJob = Buffer.from(`FingerprintJob:${internalIdOf(deletions[0]!.id)}`, "utf8").toString("base64url");
      expect((await asText(KEY_A, NODE, { id: asJob })).data!.node).toBeNull();
    });

    it("answers MPS deletions that turn SUCCEEDED once the watcher sees their delete job end", async () => {
      const library = await activeLibrary(KEY_A, "MPS", "delete-mps-followed");
      const stored = await storeFiles(library, "mps-followed", 3);
      const response = await as(KEY_A, DELETE_FILES, { libraryId: library.id, primaryKeys: stored.slice(0, 2) });
      expect(response.errors).toBeUndefined();
      expect(response.data!.deleteFingerprintFiles.status).toBe("QUEUED");
      const [deletion] = response.data!.deleteFingerprintFiles.deletions;
      expect(deletion).toMatchObject({ primaryKeys: stored.slice(0, 2), status: "QUEUED", finishedAt: null });

      // Still queued on MPS: a watcher round changes nothing the client sees.
      await watcherRound();
      expect((await as(KEY_A, FILE_DELETION, { id: deletion!.id })).data!.fileDeletion).toMatchObject({ status: "QUEUED", finishedAt: null });

      const row = await h.gateway.services.store.jobs.findRow(internalIdOf(deletion!.id));
      const finished = await fetch(`${h.emulator.url}/_emulator/content-jobs/${row!.backendJobId}/finish`, { method: "POST" });
      expect(finished.status).toBe(200);
      // MPS says Success now, but the gateway has not looked yet.
      expect((await as(KEY_A, FILE_DELETION, { id: deletion!.id })).data!.fileDeletion!.status).toBe("QUEUED");

      await watcherRound();
      const done = (await as(KEY_A, FILE_DELETION, { id: deletion!.id })).data!.fileDeletion!;
      expect(done).toMatchObject({ id: deletion!.id, status: "SUCCEEDED", rawStatus: "Success", errorCode: null, errorMessage: null, library: { id: library.id } });
      expect(Date.parse(done.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(done.createdAt));
      expect((await asText(KEY_A, NODE, { id: deletion!.id })).data!.node).toEqual({
        __typename: "FileDeletion",
        id: deletion!.id,
        status: "SUCCEEDED",
        primaryKeys: stored.slice(0, 2),
      });
      expect((await listAll(KEY_A, library.id, 100)).keys).toEqual(stored.slice(2));
    });

    it("answers a deletion whose delete job vanished with its library as FAILED", async () => {
      const library = await activeLibrary(KEY_A, "MPS", "delete-mps-vanished");
      const response = await as(KEY_A, DELETE_FILES, { libraryId: library.id, primaryKeys: ["v-1"] });
      const [deletion] = response.data!.deleteFingerprintFiles.deletions;
      // Deleting the library on MPS drops its jobs: the gateway's delete job is no longer listed.
      expect((await fetch(`${h.emulator.url}/_emulator/libraries/${library.backendLibraryId}/delete`, { method: "POST" })).ok).toBe(true);
      await watcherRound();
      const failed = (await as(KEY_A, FILE_DELETION, { id: deletion!.id })).data!.fileDeletion!;
      expect(failed).toMatchObject({ status: "FAILED", errorCode: "JOB_NOT_FOUND_ON_BACKEND" });
      expect(failed.errorMessage).toMatch(/no longer exists on the backend/);
      expect(failed.finishedAt).not.toBeNull();
    });

    it("shows a deletion only to its tenant, and only as a FileDeletion", async () => {
      const library = await activeLibrary(KEY_A, "MPS", "delete-mps-isolated");
      const [deletion] = (await as(KEY_A, DELETE_FILES, { libraryId: library.id, primaryKeys: ["iso-1"] })).data!.deleteFingerprintFiles.deletions;
      expect((await as(KEY_A, FILE_DELETION, { id: deletion!.id })).data!.fileDeletion).toMatchObject({ id: deletion!.id });
      expect((await asText(KEY_A, NODE, { id: deletion!.id })).data!.node).toMatchObject({ __typename: "FileDeletion", id: deletion!.id });

      // Another tenant: exactly like an id that never existed.
      const never = Buffer.from("FileDeletion:00000000-0000-4000-8000-000000000000", "utf8").toString("base64url");
      for (const id of [deletion!.id, never]) {
        const read = await as(KEY_B, FILE_DELETION, { id });
        expect(read.errors).toBeUndefined();
        expect(read.data!.fileDeletion).toBeNull();
        expect((await asText(KEY_B, NODE, { id })).data!.node).toBeNull();
      }
      // A fingerprint job's id is not a deletion's, even for its own tenant.
      await putMedia(h.emulator, BUCKET, "texts/iso-job.txt", TEXTS[0]!, { account: DEFAULT_DEV_ACCOUNT });
      const job = (await as(KEY_A, SUBMIT, { input: { libraryId: library.id, mode: "SAVE", primaryKey: "iso-job", media: { oss: { bucket: BUCKET, object: "texts/iso-job.txt" } } } })).data!
        .submitFingerprintJob.job;
      const jobAsDeletion = Buffer.from(`FileDeletion:${internalIdOf(job.id)}`, "utf8").toString("base64url");
      expect((await as(KEY_A, FILE_DELETION, { id: jobAsDeletion })).data!.fileDeletion).toBeNull();
      expect((await asText(KEY_A, NODE, { id: jobAsDeletion })).data!.node).toBeNull();
      // ...and another type's global id is refused as input.
      const wrongType = await as(KEY_A, FILE_DELETION, { id: job.id });
      expect(codes(wrongType)).toEqual(["BAD_USER_INPUT"]);
      expect(wrongType.errors![0]!.message).toMatch(/is not a FileDeletion id/);
    });
  });

  describe("cancelFingerprintJob", () => {
    /** A real job, submitted through the gateway (submitFingerprintJob). */
    async function submittedJob(library: { id: string; region: string }, primaryKey: string) {
      await putMedia(h.emulator, BUCKET, `texts/${primaryKey}.txt`, TEXTS[0]!, { account: DEFAULT_DEV_ACCOUNT });
      const submitted = await as(KEY_A, SUBMIT, {
        input: { libraryId: library.id, mode: "SAVE", primaryKey, media: { oss: { bucket: BUCKET, object: `texts/${primaryKey}.txt` } } },
      });
      expect(submitted.errors).toBeUndefined();
      const job = submitted.data!.submitFingerprintJob.job;
      expect(job.status).toBe("QUEUED");
      return { backendJobId: job.backendJobId, globalId: job.id, internalId: Buffer.from(job.id, "base64url").toString("utf8").split(":")[1]! };
    }

    it("cancels a QUEUED ICE job, records CANCELED, and refuses a second cancel", async () => {
      const library = await activeLibrary(KEY_A, "ICE", "cancel-ice");
      await fetch(`${h.emulator.url}/_emulator/queues/ice/pause`, { method: "POST" });
      try {
        const { internalId, backendJobId, globalId } = await submittedJob(library, "queued-1");
        // Another tenant: as if it did not exist, and nothing reaches ICE.
        const before = callCount("CancelDNAJob");
        expect(codes(await as(KEY_B, CANCEL, { id: globalId }))).toEqual(["NOT_FOUND"]);
        expect(callCount("CancelDNAJob")).toBe(before);

        const canceled = await as(KEY_A, CANCEL, { id: globalId });
        expect(canceled.errors).toBeUndefined();
        expect(canceled.data!.cancelFingerprintJob).toMatchObject({ id: globalId, status: "CANCELED" });
        expect(callCount("CancelDNAJob")).toBe(before + 1);
        const recorded = await h.gateway.services.store.jobs.findById("tenant-a", internalId);
        expect(recorded).toMatchObject({ status: "CANCELED", rawStatus: "canceled" });
        expect(recorded!.finishedAt).not.toBeNull();
        const [onIce] = (await h.gateway.services.backends.ICE.content.queryJobs(library.region, [backendJobId])).found;
        expect(onIce?.rawStatus).toBe("Fail"); // the emulator ends a cancelled job with Fail / JobCancelled

        const again = await as(KEY_A, CANCEL, { id: globalId });
        expect(codes(again)).toEqual(["UNSUPPORTED_OPERATION"]);
        expect(again.errors![0]!.extensions).toMatchObject({ reason: "JOB_NOT_QUEUED" });
        expect(callCount("CancelDNAJob")).toBe(before + 1);
      } finally {
        await fetch(`${h.emulator.url}/_emulator/queues/ice/resume`, { method: "POST" });
      }
    });

    it("refuses a job that left the queue, whether the gateway or ICE is first to know", async () => {
      const library = await activeLibrary(KEY_A, "ICE", "cancel-late");
      await fetch(`${h.emulator.url}/_emulator/queues/ice/pause`, { method: "POST" });
      const { backendJobId, globalId } = await submittedJob(library, "late-1");
      await fetch(`${h.emulator.url}/_emulator/queues/ice/resume`, { method: "POST" });
      const finished = await fetch(`${h.emulator.url}/_emulator/content-jobs/${backendJobId}/finish`, { method: "POST" });
      expect([200, 409]).toContain(finished.status);
      const refused = await as(KEY_A, CANCEL, { id: globalId });
      expect(codes(refused)).toEqual(["UNSUPPORTED_OPERATION"]);
      expect(refused.errors![0]!.extensions).toMatchObject({ reason: "JOB_NOT_QUEUED" });
      expect(refused.errors![0]!.message).toMatch(/no longer queued|only QUEUED jobs/i);
    });

    it("answers UNSUPPORTED_OPERATION for an MPS job without calling any backend", async () => {
      const library = await activeLibrary(KEY_A, "MPS", "cancel-mps");
      const { globalId } = await submittedJob(library, "mps-job-1");
      const before = calls.length;
      const refused = await as(KEY_A, CANCEL, { id: globalId });
      expect(codes(refused)).toEqual(["UNSUPPORTED_OPERATION"]);
      expect(refused.errors![0]!.message).toMatch(/MPS has no way to cancel/);
      expect(calls.length).toBe(before);
    });
  });
});

/** The internal id inside a global id (base64url of "<Type>:<uuid>"). */
function internalIdOf(globalId: string): string {
  return Buffer.from(globalId, "base64url").toString("utf8").split(":")[1]!;
}

const libraryIdOf = internalIdOf;
