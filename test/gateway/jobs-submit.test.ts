/**
 * submitFingerprintJob, searchDuplicates and the job reads, through GraphQL over HTTP against
 * the emulator (jobs stay Queuing here: what is tested is what the gateway sends, records and
 * answers, not the fingerprints). Two tenants on one cloud account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import {
  CreateLibraryDocument as CREATE,
  GetDuplicateSearchDocument as GET_SEARCH,
  GetJobDocument as GET_JOB,
  LibraryJobsDocument as LIBRARY_JOBS,
  ListJobsDocument as LIST_JOBS,
  RefreshLibraryDocument as REFRESH,
  SearchDuplicatesDocument as SEARCH,
  SubmitJobDocument as SUBMIT,
  type SubmitFingerprintJobInput,
} from "../../src/client/generated/operations.js";
import { announcePostgresqlCoverage, databaseKinds, type TestDatabase } from "../support/databases.js";
import { codes, startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";

announcePostgresqlCoverage("fingerprint job submits");

const KEY_A = "tenant-a-key-0123456789abcdef";
const KEY_B = "tenant-b-key-fedcba9876543210";
const MEDIA = { oss: { bucket: "media", object: "clips/one.mp4" } };

describe.each(databaseKinds)("fingerprint job submits on $name", (kind) => {
  let h: Harness;
  let database: TestDatabase;

  beforeAll(async () => {
    database = await kind.fresh();
    h = await startHarness({
      databaseUrl: database.url,
      // Jobs stay Queuing (nothing is analysed), libraries turn active only when a test says so.
      emulator: { activationDelayMs: 3_600_000, jobQueueDelayMs: 3_600_000, libraryQuota: 100 },
      // A submit without an answer is looked for after 1 s (only the tests with a lost answer wait for it).
      env: { API_KEYS: `tenant-a:${KEY_A},tenant-b:${KEY_B}`, BACKEND_RETRIES: "0", BACKEND_READ_TIMEOUT_MS: "400", CREATE_RETRY_GRACE_MS: "1000" },
    });
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  async function as<R, V>(key: string, document: TypedDocumentNode<R, V> | string, variables?: V): Promise<GraphQLResponse<R>> {
    const query = typeof document === "string" ? document : print(document);
    const response = await h.post(JSON.stringify({ query, variables }), { authorization: `Bearer ${key}` });
    return (await response.json()) as GraphQLResponse<R>;
  }

  async function library(model: "VIDEO" | "AUDIO" | "IMAGE" | "TEXT", options: { backend?: "ICE" | "MPS"; active?: boolean; key?: string } = {}) {
    const key = options.key ?? KEY_A;
    const created = await as(key, CREATE, { input: { name: `${model.toLowerCase()}-lib`, model, backend: options.backend ?? null } });
    expect(created.errors).toBeUndefined();
    const lib = created.data!.createFingerprintLibrary.library;
    if (options.active === false) return lib;
    h.emulator.control.activate(lib.backendLibraryId);
    const refreshed = await as(key, REFRESH, { id: lib.id });
    expect(refreshed.data!.refreshFingerprintLibrary.status).toBe("ACTIVE");
    return refreshed.data!.refreshFingerprintLibrary;
  }

  const backendJobs = () => h.emulator.control.state().content.jobs;

  /** Every submit the gateway sent, whatever its outcome, from its own metrics. */
  async function submitCalls(): Promise<number> {
    const text = await (await fetch(h.gateway.metricsUrl!)).text();
    let total = 0;
    for (const match of text.matchAll(/gateway_backend_calls_total\{[^}]*action="(SubmitDNAJob|SubmitFpShotJob)"[^}]*\} (\d+)/g)) total += Number(match[2]);
    return total;
  }

  it("refuses bad input with the field at fault, before any backend call", async () => {
    const ice = await library("VIDEO");
    const mps = await library("IMAGE");
    const callsBefore = await submitCalls();
    const jobsBefore = backendJobs().length;
    const cases: Array<[SubmitFingerprintJobInput, string]> = [
      [{ libraryId: ice.id, media: MEDIA, mode: "SAVE" }, "primaryKey"],
      [{ libraryId: ice.id, media: MEDIA, mode: "SAVE", primaryKey: "a,b" }, "primaryKey"],
      [{ libraryId: ice.id, media: MEDIA, mode: "SEARCH", similarityThreshold: 1.5 }, "similarityThreshold"],
      [{ libraryId: ice.id, media: MEDIA, mode: "SEARCH", userData: "x".repeat(129) }, "userData"],
      [{ libraryId: ice.id, media: { oss: MEDIA.oss, mediaId: "abc" }, mode: "SEARCH" }, "media"],
      [{ libraryId: ice.id, media: { oss: { bucket: "Bad_Bucket", object: "a.mp4" } }, mode: "SEARCH" }, "media.oss.bucket"],
      [{ libraryId: ice.id, media: { oss: { ...MEDIA.oss, location: "oss-cn-beijing" } }, mode: "SEARCH" }, "media.oss.location"],
      [{ libraryId: mps.id, media: { mediaId: "abc" }, mode: "SEARCH" }, "media.mediaId"],
      [{ libraryId: mps.id, media: MEDIA, mode: "SEARCH", userData: "-starts-with-a-dash" }, "userData"],
      [{ libraryId: "not-a-global-id", media: MEDIA, mode: "SEARCH" }, "libraryId"],
      [{ libraryId: ice.id, media: MEDIA, mode: "SEARCH", idempotencyKey: "" }, "idempotencyKey"],
    ];
    for (const [input, field] of cases) {
      const response = await as(KEY_A, SUBMIT, { input });
      expect(codes(response), JSON.stringify(input)).toEqual(["BAD_USER_INPUT"]);
      expect(response.errors![0].extensions!.field, JSON.stringify(input)).toBe(field);
    }
    expect(await submitCalls()).toBe(callsBefore);
    expect(backendJobs()).toHaveLength(jobsBefore);
  });

  it("refuses a library that is not ACTIVE with LIBRARY_NOT_ACTIVE, before any backend call", async () => {
    const offline = await library("VIDEO", { active: false });
    const paused = await library("IMAGE");
    h.emulator.control.pause(paused.backendLibraryId);
    expect((await as(KEY_A, REFRESH, { id: paused.id })).data!.refreshFingerprintLibrary.status).toBe("PAUSED");
    const callsBefore = await submitCalls();
    for (const lib of [offline, paused]) {
      const response = await as(KEY_A, SUBMIT, { input: { libraryId: lib.id, media: MEDIA, mode: "SAVE", primaryKey: "k1" } });
      expect(codes(response)).toEqual(["LIBRARY_NOT_ACTIVE"]);
      expect(response.errors![0].message).toContain(lib.status);
    }
    expect(await submitCalls()).toBe(callsBefore);
  });

  it("answers NOT_FOUND for another tenant's library, as for one that does not exist", async () => {
    const mine = await library("VIDEO");
    const callsBefore = await submitCalls();
    const theirs = await as(KEY_B, SUBMIT, { input: { libraryId: mine.id, media: MEDIA, mode: "SAVE", primaryKey: "k" } });
    expect(codes(theirs), theirs.errors?.[0]?.message).toEqual(["NOT_FOUND"]);
    const search = await as(KEY_B, SEARCH, { input: { media: MEDIA, libraryIds: [mine.id] } });
    expect(codes(search)).toEqual(["NOT_FOUND"]);
    expect(search.errors![0].extensions!.field).toBe("libraryIds[0]");
    expect(await submitCalls()).toBe(callsBefore);
  });

  it("submits a SAVE once: the job as the backend has it, replayed for the same key, concurrently and later", async () => {
    const lib = await library("VIDEO");
    const input: SubmitFingerprintJobInput = { libraryId: lib.id, media: MEDIA, mode: "SAVE", primaryKey: "clip-1", idempotencyKey: "save-once", userData: "order 7" };
    const jobsBefore = backendJobs().length;
    const callsBefore = await submitCalls();
    const responses = await Promise.all(Array.from({ length: 5 }, () => as(KEY_A, SUBMIT, { input })));
    for (const response of responses) expect(response.errors).toBeUndefined();
    const payloads = responses.map((r) => r.data!.submitFingerprintJob);
    expect(new Set(payloads.map((p) => p.job.id)).size).toBe(1);
    expect(payloads.filter((p) => !p.replayed)).toHaveLength(1);
    const later = (await as(KEY_A, SUBMIT, { input })).data!.submitFingerprintJob;
    expect(later).toMatchObject({ replayed: true, job: { id: payloads[0]!.job.id } });

    expect(await submitCalls()).toBe(callsBefore + 1);
    const made = backendJobs().slice(jobsBefore);
    expect(made).toHaveLength(1);
    expect(later.job).toMatchObject({
      library: { id: lib.id },
      backend: "ICE",
      backendJobId: made[0]!.id,
      mode: "SAVE",
      primaryKey: "clip-1",
      status: "QUEUED",
      matches: [],
      similarityThreshold: 0.8,
      userData: "order 7",
      searchId: null,
      finishedAt: null,
    });
    expect(made[0]).toMatchObject({ primaryKey: "clip-1", saveType: "onlysave" });
    expect((await as(KEY_A, GET_JOB, { id: later.job.id })).data!.fingerprintJob).toEqual(later.job);
  });

  it("refuses the same key with another input, and makes nothing for it", async () => {
    const lib = await library("IMAGE");
    const input: SubmitFingerprintJobInput = { libraryId: lib.id, media: MEDIA, mode: "SAVE", primaryKey: "pic-1", idempotencyKey: "shared-key" };
    expect((await as(KEY_A, SUBMIT, { input })).errors).toBeUndefined();
    const callsBefore = await submitCalls();
    for (const other of [{ ...input, primaryKey: "pic-2" }, { ...input, mode: "SEARCH_AND_SAVE" as const }, { ...input, similarityThreshold: 0.5 }]) {
      const response = await as(KEY_A, SUBMIT, { input: other });
      expect(codes(response)).toEqual(["IDEMPOTENCY_KEY_REUSED"]);
      expect(response.errors![0].extensions!.field).toBe("idempotencyKey");
    }
    expect(await submitCalls()).toBe(callsBefore);
    // Keys are per tenant: the other tenant's same key is its own.
    const theirs = await library("IMAGE", { key: KEY_B });
    expect((await as(KEY_B, SUBMIT, { input: { ...input, libraryId: theirs.id } })).data!.submitFingerprintJob.replayed).toBe(false);
  });

  it("generates the primary key of a SEARCH without one, and replays it for the same key", async () => {
    const lib = await library("IMAGE");
    const input: SubmitFingerprintJobInput = { libraryId: lib.id, media: MEDIA, mode: "SEARCH", idempotencyKey: "search-gen" };
    const first = (await as(KEY_A, SUBMIT, { input })).data!.submitFingerprintJob;
    expect(first.job.primaryKey).toMatch(/^search-[0-9a-f-]{36}$/);
    const sent = backendJobs().find((job) => job.id === first.job.backendJobId);
    expect(sent).toMatchObject({ primaryKey: first.job.primaryKey, saveType: "nosave" });
    const again = (await as(KEY_A, SUBMIT, { input })).data!.submitFingerprintJob;
    expect(again).toMatchObject({ replayed: true, job: { id: first.job.id, primaryKey: first.job.primaryKey } });
    // Without a key, every SEARCH is a new job with a new key.
    const a = (await as(KEY_A, SUBMIT, { input: { ...input, idempotencyKey: null } })).data!.submitFingerprintJob.job;
    const b = (await as(KEY_A, SUBMIT, { input: { ...input, idempotencyKey: null } })).data!.submitFingerprintJob.job;
    expect(new Set([a.id, b.id, first.job.id]).size).toBe(3);
    expect(a.primaryKey).not.toBe(b.primaryKey);
  });

  it("adopts the MPS job of a submit whose answer was lost, instead of making a second one", async () => {
    const lib = await library("IMAGE");
    // The submit reaches MPS 500 ms after the gateway's 400 ms read timeout gave up on it.
    h.emulator.control.setFault("SubmitFpShotJob", { latencyMs: 900, times: 1 });
    const input: SubmitFingerprintJobInput = { libraryId: lib.id, media: MEDIA, mode: "SAVE", primaryKey: "late-1", idempotencyKey: "late-mps" };
    const jobsBefore = backendJobs().length;
    const first = await as(KEY_A, SUBMIT, { input });
    // The grace period (1 s) outlasts the delay: the gateway finds the job by its creation time and answers it.
    expect(first.errors).toBeUndefined();
    const made = backendJobs().slice(jobsBefore);
    expect(made).toHaveLength(1);
    expect(first.data!.submitFingerprintJob).toMatchObject({ replayed: false, job: { backendJobId: made[0]!.id, status: "QUEUED", primaryKey: "late-1" } });
    const retried = await as(KEY_A, SUBMIT, { input });
    expect(retried.data!.submitFingerprintJob).toMatchObject({ replayed: true, job: { id: first.data!.submitFingerprintJob.job.id } });
    expect(backendJobs().slice(jobsBefore)).toHaveLength(1);
  });

  it("keeps an unanswered ICE submit pending and says so: ICE cannot look a job up without its id", async () => {
    const lib = await library("AUDIO");
    h.emulator.control.setFault("SubmitDNAJob", { latencyMs: 900, times: 1 });
    const input: SubmitFingerprintJobInput = { libraryId: lib.id, media: MEDIA, mode: "SAVE", primaryKey: "ice-late", idempotencyKey: "late-ice" };
    const response = await as(KEY_A, SUBMIT, { input });
    expect(codes(response)).toEqual(["BACKEND_UNAVAILABLE"]);
    expect(response.errors![0].extensions).toMatchObject({ reason: "SUBMIT_OUTCOME_UNKNOWN", retryable: true });
    expect(response.errors![0].message).toMatch(/same key later.*new idempotencyKey/s);
    // Not a job to the API until its backend id is known.
    const listed = (await as(KEY_A, LIBRARY_JOBS, { id: lib.id })).data!.fingerprintLibrary!.jobs;
    expect(listed.totalCount).toBe(0);
  });

  it("lists, counts, filters and pages jobs per tenant, and per library", async () => {
    const video = await library("VIDEO");
    const image = await library("IMAGE");
    for (const [i, lib] of [video, video, video, image].entries()) {
      const mode = i === 2 ? "SEARCH" : "SAVE";
      const response = await as(KEY_A, SUBMIT, { input: { libraryId: lib.id, media: MEDIA, mode, primaryKey: `list-${i}` } });
      expect(response.errors).toBeUndefined();
    }
    const ofVideo = (await as(KEY_A, LIST_JOBS, { filter: { libraryId: video.id } })).data!.fingerprintJobs;
    expect(ofVideo.totalCount).toBe(3);
    expect(ofVideo.edges.map((e) => e.node.primaryKey)).toEqual(["list-0", "list-1", "list-2"]);
    const searches = (await as(KEY_A, LIST_JOBS, { filter: { libraryId: video.id, mode: "SEARCH" } })).data!.fingerprintJobs;
    expect(searches.edges.map((e) => e.node.primaryKey)).toEqual(["list-2"]);
    expect(searches.totalCount).toBe(1);
    const onMps = (await as(KEY_A, LIST_JOBS, { filter: { libraryId: image.id, backend: "MPS", status: "QUEUED" } })).data!.fingerprintJobs;
    expect(onMps.totalCount).toBe(1);

    const page1 = (await as(KEY_A, LIST_JOBS, { first: 2, filter: { libraryId: video.id } })).data!.fingerprintJobs;
    expect(page1.edges.map((e) => e.node.primaryKey)).toEqual(["list-0", "list-1"]);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = (await as(KEY_A, LIST_JOBS, { first: 2, after: page1.pageInfo.endCursor, filter: { libraryId: video.id } })).data!.fingerprintJobs;
    expect(page2.edges.map((e) => e.node.primaryKey)).toEqual(["list-2"]);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const perLibrary = (await as(KEY_A, LIBRARY_JOBS, { id: video.id, first: 10 })).data!.fingerprintLibrary!.jobs;
    expect(perLibrary.totalCount).toBe(3);
    expect(perLibrary.nodes.every((job) => job.library.id === video.id)).toBe(true);

    // The other tenant sees none of them, even filtering by this tenant's library.
    const theirs = (await as(KEY_B, LIST_JOBS, { filter: { libraryId: video.id } })).data!.fingerprintJobs;
    expect(theirs).toMatchObject({ totalCount: 0, edges: [] });
    const all = (await as(KEY_B, LIST_JOBS, { first: 100 })).data!.fingerprintJobs.edges.map((e) => e.node.id);
    expect(all.filter((id) => ofVideo.edges.some((e) => e.node.id === id))).toEqual([]);
    expect(codes(await as(KEY_A, LIST_JOBS, { first: 101 }))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await as(KEY_A, LIST_JOBS, { after: "nonsense" }))).toEqual(["BAD_USER_INPUT"]);
  });

  it("searches several libraries of one model with one job each, idempotently", async () => {
    const ice = await library("VIDEO", { backend: "ICE" });
    const mps = await library("VIDEO", { backend: "MPS" });
    const input = { media: MEDIA, libraryIds: [ice.id, mps.id], idempotencyKey: "dup-1" };
    const jobsBefore = backendJobs().length;
    const first = await as(KEY_A, SEARCH, { input });
    expect(first.errors).toBeUndefined();
    const search = first.data!.searchDuplicates.search;
    expect(first.data!.searchDuplicates.replayed).toBe(false);
    expect(search).toMatchObject({ status: "QUEUED", matches: [], libraries: [{ id: ice.id }, { id: mps.id }] });
    expect(search.jobs.map((job) => [job.library.id, job.backend, job.mode, job.searchId])).toEqual([
      [ice.id, "ICE", "SEARCH", search.id],
      [mps.id, "MPS", "SEARCH", search.id],
    ]);
    expect(backendJobs().slice(jobsBefore).map((job) => job.saveType)).toEqual(["nosave", "nosave"]);

    const again = await as(KEY_A, SEARCH, { input });
    expect(again.data!.searchDuplicates).toMatchObject({ replayed: true, search: { id: search.id } });
    expect(again.data!.searchDuplicates.search.jobs.map((job) => job.id)).toEqual(search.jobs.map((job) => job.id));
    expect(backendJobs().length).toBe(jobsBefore + 2);
    expect(codes(await as(KEY_A, SEARCH, { input: { ...input, libraryIds: [ice.id] } }))).toEqual(["IDEMPOTENCY_KEY_REUSED"]);

    expect((await as(KEY_A, GET_SEARCH, { id: search.id })).data!.duplicateSearch).toEqual(search);
    expect((await as(KEY_B, GET_SEARCH, { id: search.id })).data!.duplicateSearch).toBeNull();
    const bySearch = (await as(KEY_A, LIST_JOBS, { filter: { searchId: search.id } })).data!.fingerprintJobs;
    expect(bySearch.totalCount).toBe(2);
  });

  it("answers concurrent identical searches with one search and one job per library", async () => {
    const a = await library("IMAGE");
    const b = await library("IMAGE");
    const jobsBefore = backendJobs().length;
    const input = { media: MEDIA, libraryIds: [a.id, b.id], idempotencyKey: "dup-concurrent" };
    const responses = await Promise.all(Array.from({ length: 6 }, () => as(KEY_A, SEARCH, { input })));
    for (const response of responses) expect(response.errors).toBeUndefined();
    const payloads = responses.map((r) => r.data!.searchDuplicates);
    expect(new Set(payloads.map((p) => p.search.id)).size).toBe(1);
    expect(payloads.filter((p) => !p.replayed)).toHaveLength(1);
    expect(backendJobs().length).toBe(jobsBefore + 2);
    const final = (await as(KEY_A, GET_SEARCH, { id: payloads[0]!.search.id })).data!.duplicateSearch!;
    expect(final.jobs.map((job) => job.library.id)).toEqual([a.id, b.id]);
  });

  it("refuses a search over libraries of two models, too few or too many, or repeated, before any backend call", async () => {
    const video = await library("VIDEO");
    const audio = await library("AUDIO");
    const callsBefore = await submitCalls();
    const mismatch = await as(KEY_A, SEARCH, { input: { media: MEDIA, libraryIds: [video.id, audio.id] } });
    expect(codes(mismatch)).toEqual(["MODEL_MISMATCH"]);
    expect(mismatch.errors![0].message).toContain('"audio-lib" (libraryIds[1]) holds AUDIO');
    expect(mismatch.errors![0].extensions!.field).toBe("libraryIds[1]");
    expect(codes(await as(KEY_A, SEARCH, { input: { media: MEDIA, libraryIds: [] } }))).toEqual(["BAD_USER_INPUT"]);
    const tooMany = await as(KEY_A, SEARCH, { input: { media: MEDIA, libraryIds: Array.from({ length: 21 }, () => video.id) } });
    expect(codes(tooMany)).toEqual(["BAD_USER_INPUT"]);
    expect(tooMany.errors![0].message).toContain("1 to 20");
    expect(codes(await as(KEY_A, SEARCH, { input: { media: MEDIA, libraryIds: [video.id, video.id] } }))).toEqual(["BAD_USER_INPUT"]);
    const offline = await library("VIDEO", { active: false });
    expect(codes(await as(KEY_A, SEARCH, { input: { media: MEDIA, libraryIds: [video.id, offline.id] } }))).toEqual(["LIBRARY_NOT_ACTIVE"]);
    expect(await submitCalls()).toBe(callsBefore);
  });

  it("resolves jobs and searches through node and _entities for their tenant only", async () => {
    const lib = await library("IMAGE");
    const job = (await as(KEY_A, SUBMIT, { input: { libraryId: lib.id, media: MEDIA, mode: "SAVE", primaryKey: "node-1" } })).data!.submitFingerprintJob.job;
    const search = (await as(KEY_A, SEARCH, { input: { media: MEDIA, libraryIds: [lib.id] } })).data!.searchDuplicates.search;
    const nodeQuery = `query($id: ID!) { node(id: $id) { __typename id ... on FingerprintJob { primaryKey } ... on DuplicateSearch { status } } }`;
    expect((await as(KEY_A, nodeQuery, { id: job.id })).data).toEqual({ node: { __typename: "FingerprintJob", id: job.id, primaryKey: "node-1" } });
    expect((await as(KEY_A, nodeQuery, { id: search.id })).data).toEqual({ node: { __typename: "DuplicateSearch", id: search.id, status: "QUEUED" } });
    expect((await as<{ node: unknown }, { id: string }>(KEY_A, nodeQuery, { id: lib.id })).data!.node).toMatchObject({ __typename: "FingerprintLibrary", id: lib.id });
    expect((await as(KEY_B, nodeQuery, { id: job.id })).data).toEqual({ node: null });
    expect((await as(KEY_B, nodeQuery, { id: search.id })).data).toEqual({ node: null });

    const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) {
      __typename ... on FingerprintJob { id primaryKey library { id } } ... on DuplicateSearch { id jobs { id } } } }`;
    const representations = [
      { __typename: "FingerprintJob", id: job.id },
      { __typename: "DuplicateSearch", id: search.id },
      // A job id presented as a search, and garbage: null with NOT_FOUND (what a router reports
      // at the field), the same for every kind of miss, so ids are never told apart.
      { __typename: "DuplicateSearch", id: job.id },
      { __typename: "FingerprintJob", id: "bm9wZQ" },
    ];
    const mine = await as<{ _entities: unknown[] }, { representations: unknown[] }>(KEY_A, entities, { representations });
    expect(mine.errors!.map((e) => [e.extensions?.code, e.path])).toEqual([
      ["NOT_FOUND", ["_entities", 2]],
      ["NOT_FOUND", ["_entities", 3]],
    ]);
    expect(mine.data!._entities).toEqual([
      { __typename: "FingerprintJob", id: job.id, primaryKey: "node-1", library: { id: lib.id } },
      { __typename: "DuplicateSearch", id: search.id, jobs: [{ id: search.jobs[0]!.id }] },
      null,
      null,
    ]);
    const theirs = await as<{ _entities: unknown[] }, { representations: unknown[] }>(KEY_B, entities, { representations });
    expect(theirs.data!._entities).toEqual([null, null, null, null]);
    expect(codes(theirs)).toEqual(["NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"]);
    expect((await as(KEY_B, GET_JOB, { id: job.id })).data!.fingerprintJob).toBeNull();
    expect(codes(await as(KEY_A, GET_JOB, { id: lib.id }))).toEqual(["BAD_USER_INPUT"]);
  });
});
